"""A delegation's `validUntil` is not before its `validFrom`, and both are real days.

A replacement (remplaçant) is given time-bounded access; an inverted window would grant nothing and
usually hides a typo in a year or a month.

Passing:

    validFrom: 2026-12-01
    validUntil: 2027-01-31

Failing:

    validFrom: 2027-01-31
    validUntil: 2026-12-01

    validUntil: 2027-02-29    # not a day of the calendar (2027 is not a leap year)

A value that does not have the shape YYYY-MM-DD (a month 13, a day 32) is the schema's to report.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from balprov.i18n import _
from balprov.rules.base import Finding, RuleContext, date_shaped, is_day, items_of, spec_of

ID = "validity-window"
LEVEL = "error"


def check(document: Any, context: RuleContext) -> Iterator[Finding]:
    for index, item in items_of(spec_of(document), "delegataires"):
        start, end = item.get("validFrom"), item.get("validUntil")
        bad = False
        for key, value in (("validFrom", start), ("validUntil", end)):
            if not date_shaped(value):
                bad = True  # missing, or the schema reports its shape: nothing to compare
            elif not is_day(value):
                bad = True
                message = _("{value} is not a day of the calendar").format(value=value)
                yield Finding(f"/spec/delegataires/{index}/{key}", message)
        if not bad and isinstance(start, str) and isinstance(end, str) and end < start:
            yield Finding(
                f"/spec/delegataires/{index}/validUntil",
                _("validUntil {end} is before validFrom {start}").format(end=end, start=start),
            )
