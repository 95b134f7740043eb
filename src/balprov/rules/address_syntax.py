"""The address is a valid, lowercase mailbox address.

An MSSanté address is `local-part@domain`: the local part of lowercase letters, digits, '.', '-'
and '_' (no accents, no spaces, no leading, trailing or doubled dots), the domain of lowercase
labels. Letter case is not significant in e-mail, so a single spelling avoids near-duplicates.

Passing:

    address: cabinet-des-lilas.93260@demo.mssante.fr

Failing:

    address: Cabinet des Lilas@demo.mssante.fr
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from balprov.i18n import _
from balprov.rules.base import Finding, RuleContext, spec_of

ID = "address-syntax"
LEVEL = "error"
# The schema keeps layout-breaking characters out of the address; this rule says precisely what is wrong.
SCHEMA_OVERLAP = ((r"^/spec/address$", "pattern"),)

_LOCAL = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*")
_DOMAIN = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")


def problem(address: str) -> str | None:
    """Why the address is not valid, or None."""
    if address.count("@") != 1:
        return _("an address has exactly one '@'")
    local, domain = address.split("@")
    if address != address.lower():
        return _("addresses are written in lowercase: {address!r}").format(address=address.lower())
    if not local or len(local) > 64:
        return _("the part before '@' must have 1 to 64 characters")
    if not _LOCAL.fullmatch(local):
        return _("the part before '@' may hold only a-z, 0-9, '.', '-', '_' (no accents, no spaces, no '..')")
    if not _DOMAIN.fullmatch(domain):
        return _("{domain!r} is not a domain name").format(domain=domain)
    return None


def check(document: Any, context: RuleContext) -> Iterator[Finding]:
    address = spec_of(document).get("address")
    if isinstance(address, str):
        reason = problem(address)
        if reason is not None:
            yield Finding(
                "/spec/address", _("invalid address {address!r}: {reason}").format(address=address, reason=reason)
            )
