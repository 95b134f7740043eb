"""`balprov export annuaire --format csv`: the applied mailboxes in the extraction's 31-column layout.

One row per (mailbox, cotitulaire): the BAL Cabinet is found in the Annuaire Santé through its
cotitulaires' identities (fiche, section 2), so the PP columns come from the cotitulaire and the
structure columns from the cabinet. Délégataires never appear; `listeRouge: true` mailboxes are left
out. Mailboxes come sorted by address, cotitulaires in the order of the definition.

- Type de BAL: `CAB`; Adresse BAL: the address;
- Type Identifiant PP / Identifiant PP / Identification nationale PP: `8` / the RPPS / `8` + the RPPS;
- Type identifiant structure, Identification Structure: empty (a BAL Cabinet's structure has no FINESS,
  and the definition holds no other structure identifier);
- Service de rattachement: empty (the definition has no service);
- Civilité d'exercice: the cotitulaire's `civility` (DR, PR, ...), or empty;
- Nom / Prénom d'exercice: `lastName` / `firstName`, as written;
- Catégorie profession / Libellé: `C` / `Civil` (TRE_R09): a cotitulaire is an RPPS professional
  practising in a civilian structure;
- Code / Libellé Profession: `profession.code` / `profession.label`;
- Code / Libellé savoir-faire: `specialty.code` / `specialty.label`, or empty;
- Dématérialisation: empty (not known from the definition);
- Raison Sociale structure BAL: `structure.name`; Enseigne commerciale structure BAL: `displayName`;
- L2 ... L6: `structure.addressLines`, `postalCode` and `city`, as `balprov.exports.postal` maps them;
- Code postal structure BAL: `structure.postalCode`;
- Département structure BAL: from the postal code (`balprov.exports.postal.department`);
- Pays structure BAL: `France` (COUNTRY).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from balprov.exports.extraction import COLUMN_COUNT, HEADER, PP_ID_TYPE_RPPS, SEPARATOR, TYPE_CAB, layout_breaker, safe
from balprov.exports.postal import department, postal_columns
from balprov.i18n import N_, _
from balprov.identifiers import idnat_ps
from balprov.planning.normalize import Definition

PROFESSION_CATEGORY = ("C", "Civil")  # TRE_R09-CategorieProfessionnelle
COUNTRY = "France"


def published(definitions: Iterable[Definition]) -> list[Definition]:
    """The definitions the Annuaire Santé publishes (not liste rouge), sorted by address."""
    return sorted((d for d in definitions if not d.get("listeRouge")), key=lambda d: str(d["address"]))


def _structure_columns(definition: Definition) -> list[str]:
    structure: dict[str, Any] = definition["structure"]
    postal = postal_columns(list(structure.get("addressLines") or []), structure["postalCode"], structure["city"])
    return [
        structure["name"],
        definition["displayName"],
        postal.l2_localisation,
        postal.l3_distribution,
        postal.l4_number,
        postal.l4_number_complement,
        postal.l4_way_type,
        postal.l4_way_name,
        postal.l5_lieu_dit,
        postal.l6_routing,
        structure["postalCode"],
        department(structure["postalCode"]),
        COUNTRY,
    ]


def rows(definitions: Iterable[Definition]) -> Iterator[list[str]]:
    """The extraction's rows (without the header) for the published mailboxes; every value checked."""
    for definition in published(definitions):
        name = str(definition["name"])
        structure = _structure_columns(definition)
        for holder in definition["cotitulaires"]:
            specialty = holder.get("specialty") or {}
            row = [
                TYPE_CAB,
                definition["address"],
                PP_ID_TYPE_RPPS,
                holder["rpps"],
                idnat_ps(holder["rpps"]),
                "",
                "",
                "",
                holder.get("civility") or "",
                holder["lastName"],
                holder["firstName"],
                *PROFESSION_CATEGORY,
                holder["profession"]["code"],
                holder["profession"]["label"],
                specialty.get("code", ""),
                specialty.get("label", ""),
                "",
                *structure,
            ]
            assert len(row) == COLUMN_COUNT
            for index, value in enumerate(row):
                if layout_breaker(value) is not None:
                    safe(value, name, _(_FIELDS[index]).format(holder=holder["rpps"]))  # raises, naming the field
            yield row


# the descriptions are translated where shown; the YAML paths are not in the catalog and read the same everywhere
_FIELDS = (
    N_("the type"),
    "address",
    N_("the identifier type"),
    "cotitulaires[{holder}].rpps",
    "cotitulaires[{holder}].rpps",
    N_("the structure identifier type"),
    N_("the structure identifier"),
    N_("the service"),
    "cotitulaires[{holder}].civility",
    "cotitulaires[{holder}].lastName",
    "cotitulaires[{holder}].firstName",
    N_("the profession category"),
    N_("the profession category"),
    "cotitulaires[{holder}].profession.code",
    "cotitulaires[{holder}].profession.label",
    "cotitulaires[{holder}].specialty.code",
    "cotitulaires[{holder}].specialty.label",
    N_("the dématérialisation"),
    "structure.name",
    "displayName",
    "structure.addressLines",
    "structure.addressLines",
    "structure.addressLines",
    "structure.addressLines",
    "structure.addressLines",
    "structure.addressLines",
    "structure.addressLines",
    "structure.city",
    "structure.postalCode",
    "structure.postalCode",
    N_("the country"),
)


def render_extraction(definitions: Iterable[Definition]) -> str:
    """The whole file: header and rows, '\\n' line ends. Raises UnsafeValue before anything is written."""
    lines = [HEADER, *(SEPARATOR.join(row) for row in rows(definitions))]
    return "\n".join(lines) + "\n"


def write_extraction(definitions: Iterable[Definition], out: TextIO) -> None:
    out.write(render_extraction(definitions))
