"""A delegation whose `validUntil` has passed is still listed.

An expired replacement grants nothing any more; the definition should say so by removing it, so
that the file tells the truth to whoever reads it next. Today is the machine's date, or `--today`.

Passing (today 2026-11-29):

    validUntil: 2027-01-31

Failing (today 2026-11-29):

    validUntil: 2026-10-31

`validUntil` is the last day of access: on that very day the delegation is still valid. A value that
is not a day (a wrong shape for the schema, 2027-02-29 for validity-window) is left to those checks.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from balprov.i18n import _
from balprov.rules.base import Finding, RuleContext, is_day, items_of, spec_of

ID = "delegation-expired"
LEVEL = "warning"


def check(document: Any, context: RuleContext) -> Iterator[Finding]:
    for index, item in items_of(spec_of(document), "delegataires"):
        end = item.get("validUntil")
        if is_day(end) and end < context.today:
            yield Finding(
                f"/spec/delegataires/{index}/validUntil",
                _("delegation of {id} ended on {end}: remove it from the file").format(id=item.get("id", "?"), end=end),
            )
