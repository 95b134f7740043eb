"""What a rule sees and what it returns.

A rule is a module with `ID` (its stable slug), `LEVEL` (default severity), a docstring that explains
it with a passing and a failing example, and either `check(document, context)` for one file or
`check_project(summaries)` for rules across files. `SCHEMA_OVERLAP` lists the (JSON pointer regular
expression, schema keyword or None for any) pairs whose schema violations this rule reports itself, so that
each problem is reported once.

Per-file rules receive the document's plain values. They are written for schema-valid documents and
run on invalid ones too, best effort: the engine ignores a rule that trips over a wrong type there.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeGuard

# The schema's `date` shape (YYYY-MM-DD with a month 01-12 and a day 01-31): a value without it is the
# schema's to report, and rules that read dates leave it alone so that it is reported once.
DATE_SHAPE = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])")


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


@dataclass(slots=True)
class ProjectMemo:
    """What a cross-file rule may keep between runs (in the validation cache), to redo only what changed.

    `previous` is what the rule left last time (plain JSON, or None: no cache, or another context), computed
    over every file whose summary is not in `fresh`, and maybe more; `fresh` names the files whose summary
    was made in this run (new or changed bytes). The rule sets `result` for next time. A rule must give the
    same findings with or without a memo (tests/validate/test_cache.py)."""

    previous: Any
    fresh: frozenset[str]
    result: Any = None


@dataclass(frozen=True, slots=True)
class ProjectFinding:
    """A cross-file problem, reported on `file` (the later one); `related` is the other file involved."""

    file: str
    finding: Finding
    related: str | None = None


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


def date_shaped(value: Any) -> TypeGuard[str]:
    """Whether the value has the schema's date shape (it may still not be a day: 2027-02-29)."""
    return isinstance(value, str) and DATE_SHAPE.fullmatch(value) is not None


def is_day(value: Any) -> TypeGuard[str]:
    """Whether the value has the date shape and is a day of the calendar."""
    if not date_shaped(value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True
