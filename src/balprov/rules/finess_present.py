"""The structure has no FINESS number.

The BAL Cabinet is for health structures that are not in FINESS; a structure with a FINESS number
opens a classic organisational (ORG) mailbox instead (fiche, "Qu'est-ce qu'une boîte aux lettres
cabinet ?").

Passing:

    structure:
      finess: null

Failing:

    structure:
      finess: "930000001"
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from balprov.i18n import _
from balprov.rules.base import Finding, RuleContext, spec_of

ID = "finess-present"
LEVEL = "error"
SCHEMA_OVERLAP = ((r"^/spec/structure/finess(/.*)?$", None),)  # any schema keyword at the FINESS


def check(document: Any, context: RuleContext) -> Iterator[Finding]:
    structure = spec_of(document).get("structure")
    if isinstance(structure, dict) and structure.get("finess") not in (None, ""):
        yield Finding(
            "/spec/structure/finess",
            _("the structure has a FINESS number: it needs an ORG mailbox, not a BAL Cabinet"),
        )
