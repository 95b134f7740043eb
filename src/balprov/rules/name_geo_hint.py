"""The address's local part carries the postal code or the city.

The fiche (step 3) recommends a distinguishing element such as the geographic area, to avoid
confusion between two structures with close or identical names.

Passing (structure in 93260 Les Lilas):

    address: cabinet-des-lilas.93260@demo.mssante.fr

Failing:

    address: cabinet-medical@demo.mssante.fr
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from balprov.i18n import _
from balprov.rules.base import Finding, RuleContext, spec_of

ID = "name-geo-hint"
LEVEL = "warning"


def _compact(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", ascii_text.lower())


def check(document: Any, context: RuleContext) -> Iterator[Finding]:
    spec = spec_of(document)
    address, structure = spec.get("address"), spec.get("structure")
    if not isinstance(address, str) or "@" not in address or not isinstance(structure, dict):
        return
    local = _compact(address.split("@", 1)[0])
    postal_code, city = structure.get("postalCode"), structure.get("city")
    if isinstance(postal_code, int):  # unquoted: the schema reports it; compare the digits all the same
        postal_code = f"{postal_code:05d}"
    if isinstance(postal_code, str) and postal_code and postal_code in local:
        return
    if isinstance(city, str) and _compact(city) and _compact(city) in local:
        return
    local_part, domain = address.split("@", 1)
    example = (
        f"{local_part}.{postal_code}@{domain}"
        if isinstance(postal_code, str)
        else f"{local_part}.<{_('postal code')}>@{domain}"
    )
    yield Finding(
        "/spec/address",
        _(
            "the address has neither the postal code nor the city: add one to tell this structure from namesakes "
            "(e.g. {example})"
        ).format(example=example),
    )
