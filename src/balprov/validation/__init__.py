"""Validation: loaded documents checked against the schema and the rules, results gathered, not thrown."""

from balprov.validation.engine import ValidateOptions, ValidationReport, validate

__all__ = ["ValidateOptions", "ValidationReport", "validate"]
