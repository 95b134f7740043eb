"""Fixtures of the provider tests: a real slapd (tests/services/slapd.py) and balprov run in-process."""

from __future__ import annotations

from services.slapd import slapd, writes  # noqa: F401 - fixtures, registered for this folder
