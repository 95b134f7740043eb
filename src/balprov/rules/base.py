"""What a rule sees and what it returns.

A rule is a module with `ID` (its stable slug), `LEVEL` (default severity), a docstring that explains
it with a passing and a failing example, and either `check(document, context)` for one file or
`check_project(summaries)` for rules across files. `SCHEMA_OVERLAP` lists the JSON pointers (regular
expressions) whose schema violations this rule reports itself, so that each problem is reported once.

Per-file rules receive the document's plain values. They are written for schema-valid documents and
run on invalid ones too, best effort: the engine ignores a rule that trips over a wrong type there.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem at a JSON pointer of the document; `at_key` points at the key instead of the value."""

    path: str
    message: str
    at_key: bool = False


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What per-file rules may know besides the document; picklable, for worker processes."""

    operators: dict[str, str]  # operator id -> the domain it imposes
    today: str  # YYYY-MM-DD


@dataclass(frozen=True, slots=True)
class Summary:
    """What cross-file rules see of each loaded file."""

    file: str
    name: str | None
    address: str | None


@dataclass(frozen=True, slots=True)
class ProjectFinding:
    file: str
    finding: Finding


def spec_of(document: Any) -> dict[str, Any]:
    spec = document.get("spec") if isinstance(document, dict) else None
    return spec if isinstance(spec, dict) else {}


def items_of(spec: dict[str, Any], key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """The mapping items of a list under spec, with their index (anything else is the schema's job)."""
    value = spec.get(key)
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict):
                yield index, item


def cotitulaire_rpps(spec: dict[str, Any]) -> set[str]:
    return {item["rpps"] for _, item in items_of(spec, "cotitulaires") if isinstance(item.get("rpps"), str)}
