"""`balprov rules` and `balprov explain SLUG`."""

from __future__ import annotations

import difflib
import json
import sys
from typing import TextIO

from balprov.diagnostics import Severity
from balprov.errors import UsageError
from balprov.i18n import _
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
        if close:
            raise UsageError(_("unknown rule {slug!r} (did you mean {close!r}?)").format(slug=slug, close=close[0]))
        raise UsageError(_("unknown rule {slug!r} (see `balprov rules`)").format(slug=slug))
    heading = _("{slug} (default: {level}, scope: {scope})").format(
        slug=rule.id, level=rule.level.value, scope=rule.scope
    )
    # the rule's documentation is its module docstring: English, like the rest of the documentation
    stdout.write(f"{heading}\n\n{rule.doc}\n")
    return 0
