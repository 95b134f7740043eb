"""Identifiers of the French health directory (domain.md, "Identifiers")."""

from __future__ import annotations

from typing import TypeGuard

RPPS_LENGTH = 11
IDNAT_PS_PREFIX_RPPS = "8"


def luhn_ok(digits: str) -> bool:
    """The Luhn check every real RPPS seen in public fixtures passes."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def is_rpps_shaped(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and len(value) == RPPS_LENGTH and value.isascii() and value.isdigit()


def idnat_ps(rpps: str) -> str:
    """The national person identifier: '8' followed by the RPPS."""
    return IDNAT_PS_PREFIX_RPPS + rpps
