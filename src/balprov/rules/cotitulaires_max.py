"""A BAL Cabinet has at most 20 cotitulaires.

The fiche (section 2) caps the co-holders of one mailbox at 20. A larger structure splits into
several mailboxes (the ministry case opens four). The schema says the same; it is reported once,
here.

Passing:

    cotitulaires: [ ...20 entries or fewer... ]

Failing:

    cotitulaires: [ ...21 entries... ]
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from balprov.i18n import _
from balprov.rules.base import Finding, RuleContext, spec_of

ID = "cotitulaires-max"
LEVEL = "error"
MAXIMUM = 20
SCHEMA_OVERLAP = ((r"^/spec/cotitulaires$", "maxItems"),)  # (pointer, schema keyword) reported here


def check(document: Any, context: RuleContext) -> Iterator[Finding]:
    cotitulaires = spec_of(document).get("cotitulaires")
    if isinstance(cotitulaires, list) and len(cotitulaires) > MAXIMUM:
        yield Finding(
            f"/spec/cotitulaires/{MAXIMUM}",
            _(
                "{count} cotitulaires; a BAL Cabinet has at most {maximum}: split the structure into several mailboxes"
            ).format(count=len(cotitulaires), maximum=MAXIMUM),
        )
