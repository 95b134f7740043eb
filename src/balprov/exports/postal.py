"""A cabinet's address (free lines, postal code, city) mapped onto the extraction's AFNOR columns.

The extraction splits a French postal address as the AFNOR NF Z10-011 standard does (line 1, the
recipient, is the structure's name, in its own column). A definition holds up to four free
`addressLines`, so each line is classified by what it starts with:

- L4NUMEROVOIE, L4COMPLEMENTNUMEROVOIE, NL4TYPEVOIE, L4LIBELLEVOIE: the street line, the first line
  starting with a house number, or failing that with a type of way ("place Saint-Jean"). "12 bis rue de
  Paris" gives 12 / B / R / de Paris: bis, ter, quater, quinquies become B, T, Q, C and a single letter
  stays as is; a type of way of WAY_TYPES becomes its TRE_R35 code, any other stays in the libellé.
- L5LIEUDITMENTION: lines starting with BP, CS, TSA, Cedex or "lieu-dit" (a distribution service or a
  locality); with no street line, the last line (a lieu-dit stands in for the street).
- L2COMPLEMENTLOCALISATION: lines about the inside of a building (appartement, appt, étage, "2e étage",
  porte, bureau, escalier, chez, c/o).
- L3COMPLEMENTDISTRIBUTION: every other line (bâtiment, entrée, résidence, immeuble, ...).
- L6LIGNEACHEMINEMENT: postal code and city, in capitals without accents, hyphens or apostrophes, as La
  Poste writes it ("42000 SAINT ETIENNE").

Several lines bound for one column are joined with ", ". Values are otherwise kept as written.

The département comes from the postal code: its first two digits, except overseas (97x, 98x: the
first three) and Corsica (20xxx: 2A below 20200, 2B from 20200, the usual rule; a few communes are
exceptions, which only their INSEE code would settle).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# TRE_R35-TypeVoie codes (AFNOR NF Z10-011 abbreviations) of the common types of way, by the word as
# written (lowercase, without accents).
WAY_TYPES: dict[str, str] = {
    "allee": "ALL",
    "avenue": "AV",
    "boulevard": "BD",
    "chemin": "CHE",
    "cours": "CRS",
    "faubourg": "FG",
    "impasse": "IMP",
    "passage": "PAS",
    "place": "PL",
    "quai": "QUAI",
    "route": "RTE",
    "rue": "R",
    "square": "SQ",
}
NUMBER_COMPLEMENTS: dict[str, str] = {"bis": "B", "ter": "T", "quater": "Q", "quinquies": "C"}

_STREET = re.compile(r"(\d{1,4})(?:\s*(bis|ter|quater|quinquies|[A-Za-z])\b\.?)?[\s,]+(\S.*)", re.IGNORECASE)
_SERVICE = re.compile(r"(bp|cs|tsa|cedex|lieu[- ]dit)\b", re.IGNORECASE)
_INSIDE = re.compile(r"(appartement|appt|app\.|étage|etage|porte|bureau|escalier|chez|c/o)\b", re.IGNORECASE)
_ORDINAL = re.compile(r"\d+\s*(e|er|ère|ème|eme)\b", re.IGNORECASE)  # "2e étage": a floor, not a number in a street


@dataclass(frozen=True, slots=True)
class PostalColumns:
    l2_localisation: str = ""
    l3_distribution: str = ""
    l4_number: str = ""
    l4_number_complement: str = ""
    l4_way_type: str = ""
    l4_way_name: str = ""
    l5_lieu_dit: str = ""
    l6_routing: str = ""


@dataclass(frozen=True, slots=True)
class Street:
    number: str
    complement: str
    way_type: str
    way_name: str


def _plain(text: str) -> str:
    """Lowercase, without accents: how a word is looked up in WAY_TYPES."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


def _split_way(rest: str) -> tuple[str, str]:
    word, _, name = rest.strip().partition(" ")
    code = WAY_TYPES.get(_plain(word))
    if code is None or not name.strip():
        return "", rest.strip()
    return code, name.strip()


def parse_street(line: str) -> Street | None:
    """The street line's parts, or None when `line` is not a street line."""
    text = line.strip()
    if _ORDINAL.match(text) or _INSIDE.match(text):
        return None
    match = _STREET.fullmatch(text)
    if match is not None:
        number, complement, rest = match.groups()
        if _INSIDE.match(rest):
            return None
        complement = NUMBER_COMPLEMENTS.get(complement.lower(), complement.upper()) if complement else ""
        way_type, way_name = _split_way(rest)
        return Street(number, complement, way_type, way_name)
    way_type, way_name = _split_way(text)
    if way_type:
        return Street("", "", way_type, way_name)
    return None


def routing_line(postal_code: str, city: str) -> str:
    """Line 6: '93260 LES LILAS', 'SAINT ETIENNE': capitals, no accents, no hyphens or apostrophes."""
    text = unicodedata.normalize("NFKD", city.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae"))
    text = "".join(c for c in text if not unicodedata.combining(c)).upper()
    text = re.sub(r"[-'’]", " ", text)
    return f"{postal_code} {' '.join(text.split())}"


def department(postal_code: str) -> str:
    """The département of a five-digit postal code: '93', '971' (overseas), '2A' / '2B' (Corsica)."""
    if postal_code.startswith(("97", "98")):
        return postal_code[:3]
    if postal_code.startswith("20"):
        return "2A" if postal_code < "20200" else "2B"
    return postal_code[:2]


def postal_columns(address_lines: list[str], postal_code: str, city: str) -> PostalColumns:
    lines = [line.strip() for line in address_lines if line.strip()]
    streets = [(index, parse_street(line)) for index, line in enumerate(lines)]
    candidates = [(index, s) for index, s in streets if s is not None]
    numbered = [(index, s) for index, s in candidates if s.number]
    street_at, street = (numbered or candidates)[0] if candidates else (-1, None)
    l2: list[str] = []
    l3: list[str] = []
    l5: list[str] = []
    for index, line in enumerate(lines):
        if index == street_at:
            continue
        if _SERVICE.match(line) or (street is None and index == len(lines) - 1):
            l5.append(line)
        elif _INSIDE.match(line) or _ORDINAL.match(line):
            l2.append(line)
        else:
            l3.append(line)
    return PostalColumns(
        l2_localisation=", ".join(l2),
        l3_distribution=", ".join(l3),
        l4_number=street.number if street else "",
        l4_number_complement=street.complement if street else "",
        l4_way_type=street.way_type if street else "",
        l4_way_name=street.way_name if street else "",
        l5_lieu_dit=", ".join(l5),
        l6_routing=routing_line(postal_code, city),
    )
