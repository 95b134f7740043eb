"""The rule registry: every rule of the contract, each in its own module (the yamllint way)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from balprov.diagnostics import Severity
from balprov.rules import (
    address_domain,
    address_duplicate,
    address_syntax,
    cotitulaires_max,
    delegation_expired,
    delegation_unknown,
    double_role,
    finess_present,
    name_confusable,
    name_duplicate,
    name_geo_hint,
    onboarding_incomplete,
    operator_unknown,
    principal_count,
    rpps_checksum,
    rpps_duplicate,
    validity_window,
)
from balprov.rules.base import Finding, ProjectFinding, ProjectMemo, RuleContext, Summary

# The slugs the loader and the schema check report under; they are rules too (listed, configurable).
LOADER_RULES = {
    "yaml-syntax": "the file is not well-formed YAML, not UTF-8, empty, or holds several documents",
    "yaml-duplicate-key": "a mapping repeats a key",
    "yaml-unsafe": "a custom tag, aliases or nesting beyond sane limits, or a file over the size limit",
    "schema": "the document does not match schemas/cabinet.schema.json",
}

_MODULES: tuple[ModuleType, ...] = (
    rpps_checksum,
    cotitulaires_max,
    principal_count,
    rpps_duplicate,
    delegation_unknown,
    double_role,
    operator_unknown,
    address_domain,
    address_syntax,
    finess_present,
    validity_window,
    delegation_expired,
    name_geo_hint,
    onboarding_incomplete,
    address_duplicate,
    name_duplicate,
    name_confusable,
)


@dataclass(frozen=True)
class Rule:
    id: str
    level: Severity
    doc: str
    summary: str
    check: Callable[[Any, RuleContext], Iterable[Finding]] | None = None
    check_project: Callable[..., Iterable[ProjectFinding]] | None = None  # (summaries[, memo]) -> findings
    remembers: bool = False  # check_project takes a ProjectMemo (rules/base.py) as `memo`
    schema_overlap: tuple[tuple[re.Pattern[str], str | None], ...] = ()

    @property
    def scope(self) -> str:
        if self.check_project is not None:
            return "project"
        return "file" if self.check is not None else "loader"


def _from_module(module: ModuleType) -> Rule:
    doc = (module.__doc__ or "").strip()
    if not doc:
        raise RuntimeError(f"rule module {module.__name__} has no docstring")
    return Rule(
        id=module.ID,
        level=Severity(module.LEVEL),
        doc=doc,
        summary=doc.splitlines()[0],
        check=getattr(module, "check", None),
        check_project=getattr(module, "check_project", None),
        remembers=getattr(module, "REMEMBERS", False),
        schema_overlap=tuple(
            (re.compile(pattern), keyword) for pattern, keyword in getattr(module, "SCHEMA_OVERLAP", ())
        ),
    )


def _loader_rule(slug: str, summary: str) -> Rule:
    return Rule(id=slug, level=Severity.ERROR, doc=summary[0].upper() + summary[1:] + ".", summary=summary)


RULES: dict[str, Rule] = {slug: _loader_rule(slug, text) for slug, text in LOADER_RULES.items()}
RULES.update((rule.id, rule) for rule in map(_from_module, _MODULES))

__all__ = ["RULES", "Finding", "ProjectFinding", "ProjectMemo", "Rule", "RuleContext", "Summary"]
