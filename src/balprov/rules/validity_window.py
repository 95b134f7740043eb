"""A delegation's `validUntil` is not before its `validFrom`, and both are real days.

A replacement (remplaçant) is given time-bounded access; an inverted window would grant nothing and
usually hides a typo in a year or a month.

Passing:

    validFrom: 2026-12-01
    validUntil: 2027-01-31

Failing:

    validFrom: 2027-01-31
    validUntil: 2026-12-01
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from balprov.rules.base import Finding, RuleContext, items_of, spec_of

ID = "validity-window"
LEVEL = "error"


def _is_day(value: str) -> bool:
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def check(document: Any, context: RuleContext) -> Iterator[Finding]:
    for index, item in items_of(spec_of(document), "delegataires"):
        start, end = item.get("validFrom"), item.get("validUntil")
        bad = False
        for key, value in (("validFrom", start), ("validUntil", end)):
            if isinstance(value, str) and len(value) == 10 and not _is_day(value):
                bad = True
                yield Finding(f"/spec/delegataires/{index}/{key}", f"{value} is not a day of the calendar")
        if not bad and isinstance(start, str) and isinstance(end, str) and end < start:
            yield Finding(
                f"/spec/delegataires/{index}/validUntil",
                f"validUntil {end} is before validFrom {start}",
            )
