"""One person is not both cotitulaire and délégataire of the same mailbox.

A cotitulaire already holds the mailbox; also listing them as a délégataire (same RPPS) makes their
rights ambiguous and would publish, or hide, them inconsistently in the Annuaire Santé.

Passing:

    cotitulaires:
      - {rpps: "10107592585", ...}
    delegataires:
      - {id: remplacant, rpps: "10104335319", ...}

Failing:

    delegataires:
      - {id: anne.martin, rpps: "10107592585", ...}   # already a cotitulaire
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from balprov.i18n import _
from balprov.rules.base import Finding, RuleContext, cotitulaire_rpps, items_of, spec_of

ID = "double-role"
LEVEL = "error"


def check(document: Any, context: RuleContext) -> Iterator[Finding]:
    spec = spec_of(document)
    holders = cotitulaire_rpps(spec)
    for index, item in items_of(spec, "delegataires"):
        rpps = item.get("rpps")
        if isinstance(rpps, str) and rpps in holders:
            yield Finding(
                f"/spec/delegataires/{index}/rpps",
                _("RPPS {rpps} is already a cotitulaire of this mailbox; a person holds one role").format(rpps=rpps),
            )
