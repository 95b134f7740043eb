"""`delegatedBy` and `nominatedBy` name cotitulaires of this mailbox.

Only cotitulaires may give another cotitulaire access or delegate access to a délégataire, and each
remains responsible for the accesses it opened (fiche, section 2). An RPPS that is not a cotitulaire
of this mailbox makes nobody accountable.

Passing:

    cotitulaires:
      - {rpps: "10107592585", ...}
    delegataires:
      - {id: claire.dupont, delegatedBy: ["10107592585"], ...}

Failing:

    delegataires:
      - {id: claire.dupont, delegatedBy: ["10104335319"], ...}   # not a cotitulaire here
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from balprov.i18n import _
from balprov.rules.base import Finding, RuleContext, cotitulaire_rpps, items_of, spec_of

ID = "delegation-unknown"
LEVEL = "error"


def check(document: Any, context: RuleContext) -> Iterator[Finding]:
    spec = spec_of(document)
    if not isinstance(spec.get("cotitulaires"), list):
        return  # who the cotitulaires are is unknown (principal-count and the schema say why)
    holders = cotitulaire_rpps(spec)
    for index, item in items_of(spec, "cotitulaires"):
        nominated_by = item.get("nominatedBy")
        if isinstance(nominated_by, str) and nominated_by not in holders:
            yield Finding(
                f"/spec/cotitulaires/{index}/nominatedBy",
                _("nominatedBy {rpps} is not a cotitulaire of this mailbox").format(rpps=nominated_by),
            )
    for index, item in items_of(spec, "delegataires"):
        delegated_by = item.get("delegatedBy")
        if not isinstance(delegated_by, list):
            continue
        for position, rpps in enumerate(delegated_by):
            if isinstance(rpps, str) and rpps not in holders:
                yield Finding(
                    f"/spec/delegataires/{index}/delegatedBy/{position}",
                    _(
                        "delegatedBy {rpps} is not a cotitulaire of this mailbox: only cotitulaires delegate access"
                    ).format(rpps=rpps),
                )
