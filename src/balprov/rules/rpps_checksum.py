"""An RPPS number must pass the Luhn check.

Every real RPPS seen in public fixtures passes the Luhn check, and a one-digit typo never does.
ANS's own fictitious examples fail it, so a project working with test identities may set this rule
to `warning` or `off` in balprov.yaml. Checked on cotitulaires and on délégataires that carry an RPPS.

Passing:

    cotitulaires:
      - rpps: "10107592585"

Failing:

    cotitulaires:
      - rpps: "10107592586"    # last digit mistyped
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from balprov.i18n import _
from balprov.identifiers import is_rpps_shaped, luhn_ok
from balprov.rules.base import Finding, RuleContext, items_of, spec_of

ID = "rpps-checksum"
LEVEL = "error"


def check(document: Any, context: RuleContext) -> Iterator[Finding]:
    spec = spec_of(document)
    for key in ("cotitulaires", "delegataires"):
        for index, item in items_of(spec, key):
            rpps = item.get("rpps")
            if is_rpps_shaped(rpps) and not luhn_ok(rpps):
                message = _("RPPS {rpps} fails the Luhn check: a digit is wrong").format(rpps=rpps)
                yield Finding(f"/spec/{key}/{index}/rpps", message)
