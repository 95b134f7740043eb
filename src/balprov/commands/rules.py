"""`balprov rules` and `balprov explain SLUG`."""

from __future__ import annotations

import difflib
import json
import sys
from typing import TextIO

from balprov.diagnostics import Severity
from balprov.errors import UsageError
from balprov.rules import RULES


def list_rules(severities: dict[str, Severity], output_format: str, stdout: TextIO | None = None) -> int:
    stdout = stdout or sys.stdout  # looked up per call: tests and callers swap sys.stdout
    rows = [
        {
            "rule": rule.id,
            "default": rule.level.value,
            "severity": severities.get(rule.id, rule.level).value,
            "scope": rule.scope,
            "summary": rule.summary,
        }
        for rule in RULES.values()
    ]
    if output_format == "json":
        json.dump({"version": 1, "rules": rows}, stdout, ensure_ascii=False, indent=2)
        stdout.write("\n")
        return 0
    width = max(len(row["rule"]) for row in rows)
    for row in rows:
        stdout.write(f"{row['rule']:<{width}}  {row['severity']:<7}  {row['scope']:<7}  {row['summary']}\n")
    return 0


def explain(slug: str, stdout: TextIO | None = None) -> int:
    stdout = stdout or sys.stdout  # looked up per call: tests and callers swap sys.stdout
    rule = RULES.get(slug)
    if rule is None:
        close = difflib.get_close_matches(slug, RULES, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else " (see `balprov rules`)"
        raise UsageError(f"unknown rule {slug!r}{hint}")
    stdout.write(f"{rule.id} (default: {rule.level.value}, scope: {rule.scope})\n\n{rule.doc}\n")
    return 0
