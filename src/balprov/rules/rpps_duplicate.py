"""The same RPPS appears only once among a mailbox's cotitulaires.

A professional is a co-holder once; a repeated RPPS is usually a copy-paste slip that hides the
person who should have been listed.

Passing:

    cotitulaires:
      - rpps: "10107592585"
      - rpps: "10001045367"

Failing:

    cotitulaires:
      - rpps: "10107592585"
      - rpps: "10107592585"    # the same person twice
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from balprov.i18n import _
from balprov.rules.base import Finding, RuleContext, items_of, spec_of

ID = "rpps-duplicate"
LEVEL = "error"


def check(document: Any, context: RuleContext) -> Iterator[Finding]:
    first: dict[str, int] = {}
    for index, item in items_of(spec_of(document), "cotitulaires"):
        rpps = item.get("rpps")
        if not isinstance(rpps, str):
            continue
        if rpps in first:
            yield Finding(
                f"/spec/cotitulaires/{index}/rpps",
                _("RPPS {rpps} is already cotitulaire #{number} of this mailbox").format(
                    rpps=rpps, number=first[rpps] + 1
                ),
            )
        else:
            first[rpps] = index
