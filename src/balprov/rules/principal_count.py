"""Exactly one cotitulaire is the principal.

The cotitulaires designate one cotitulaire principal, the operational owner: only the principal
creates or deletes the mailbox (fiche, section 2). None, or two, leaves nobody accountable.

Passing:

    cotitulaires:
      - {rpps: "10107592585", principal: true, ...}
      - {rpps: "10001045367", ...}

Failing:

    cotitulaires:
      - {rpps: "10107592585", principal: true, ...}
      - {rpps: "10001045367", principal: true, ...}   # a second principal

    cotitulaires: []                                  # nobody, so no principal either

An empty, null or non-list `cotitulaires` is reported here too: it has no principal, and the schema's own
complaint about it is not reported (cotitulaires-max owns the schema's errors at that pointer).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from balprov.i18n import _
from balprov.rules.base import Finding, RuleContext, items_of, spec_of

ID = "principal-count"
LEVEL = "error"


def check(document: Any, context: RuleContext) -> Iterator[Finding]:
    spec = spec_of(document)
    cotitulaires = spec.get("cotitulaires")
    if not isinstance(cotitulaires, list) or not cotitulaires:
        return  # missing, empty or not a list: the schema reports it (minItems, type, required), once
    principals = [index for index, item in items_of(spec, "cotitulaires") if item.get("principal") is True]
    if not principals:
        yield Finding(
            "/spec/cotitulaires",
            _("no cotitulaire is the principal: mark exactly one with `principal: true`"),
            at_key=True,
        )
    for index in principals[1:]:
        yield Finding(
            f"/spec/cotitulaires/{index}/principal",
            _("a second principal (the first is cotitulaire #{number}): exactly one is allowed").format(
                number=principals[0] + 1
            ),
        )
