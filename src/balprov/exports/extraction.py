"""The layout of the Annuaire Santé's public extraction of MSSanté mailboxes (domain.md).

File `Extraction_Correspondance_MSSante_YYYYMMDDhhmm.txt`, shipped zipped: UTF-8, `|`-separated, one
header row, 31 columns in the order below. There is no quoting or escaping: a value holding a `|` or a
line break would shift or split the row, so such values are refused (the cabinet schema's `line`
definition rejects them at validation time; `layout_breaker` is the writer's last line of defence).
"""

from __future__ import annotations

import re

from balprov.errors import BalprovError
from balprov.i18n import _

COLUMNS: tuple[str, ...] = (
    "Type de BAL",
    "Adresse BAL",
    "Type Identifiant PP",
    "Identifiant PP",
    "Identification nationale PP",
    "Type identifiant structure",
    "Identification Structure",
    "Service de rattachement",
    "Civilité d'exercice",
    "Nom d'exercice",
    "Prénom d'exercice",
    "Catégorie profession",
    "Libellé de catégorie profession",
    "Code Profession",
    "Libellé Profession",
    "Code savoir-faire",
    "Libellé savoir-faire",
    "Dématérialisation",
    "Raison Sociale structure BAL",
    "Enseigne commerciale structure BAL",
    "L2COMPLEMENTLOCALISATION structure BAL",
    "L3COMPLEMENTDISTRIBUTION structure BAL",
    "L4NUMEROVOIE structure BAL",
    "L4COMPLEMENTNUMEROVOIE structure BAL",
    "NL4TYPEVOIE structure BAL",
    "L4LIBELLEVOIE structure BAL",
    "L5LIEUDITMENTION structure BAL",
    "L6LIGNEACHEMINEMENT structure BAL",
    "Code postal structure BAL",
    "Département structure BAL",
    "Pays structure BAL",
)
SEPARATOR = "|"
HEADER = SEPARATOR.join(COLUMNS)
COLUMN_COUNT = len(COLUMNS)  # 31

# Positions the reader needs.
TYPE_BAL = COLUMNS.index("Type de BAL")
ADDRESS = COLUMNS.index("Adresse BAL")
PP_ID_TYPE = COLUMNS.index("Type Identifiant PP")
PP_ID = COLUMNS.index("Identifiant PP")
PP_NATIONAL_ID = COLUMNS.index("Identification nationale PP")

TYPE_CAB = "CAB"  # TRE_R257-TypeBAL
PP_ID_TYPE_RPPS = "8"  # TRE_G08: 8 = RPPS, 0 = ADELI

# What would break the layout: the separator, and every control or line-separating character (C0 and
# C1 controls, DEL, U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR), since readers split lines on
# more than "\n" (Python's str.splitlines splits on \x1c-\x1e, \x85, U+2028 and U+2029 too).
_BREAKERS = re.compile("[|\x00-\x1f\x7f-\x9f\u2028\u2029]")


class UnsafeValue(BalprovError):
    """A value that would break the extraction layout; the message names the mailbox and the field."""


def layout_breaker(value: str) -> str | None:
    """The first character of `value` that would break the layout, described, or None."""
    found = _BREAKERS.search(value)
    if found is None:
        return None
    char = found.group()
    return "'|'" if char == "|" else f"U+{ord(char):04X}"


def safe(value: str, mailbox: str, field: str) -> str:
    """`value` unchanged, or UnsafeValue: never silently mangled."""
    breaker = layout_breaker(value)
    if breaker is not None:
        raise UnsafeValue(
            _(
                "mailbox {mailbox}: {field} holds {breaker}, which would break the Annuaire Santé extraction layout "
                "('|' separates its columns, a line holds one row); correct the definition and apply it again"
            ).format(mailbox=mailbox, field=field, breaker=breaker)
        )
    return value
