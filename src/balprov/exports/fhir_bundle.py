"""`balprov export annuaire --format fhir`: a FHIR R4 Bundle of the applied mailboxes' holders.

One Practitioner per cotitulaire (per RPPS: a professional holding several BAL Cabinets, like the SGAMI
inspector of the fiche's case 4, is one Practitioner with one `telecom` per mailbox), identified by
idNat_PS and RPPS, with each mailbox as a ContactPoint carrying the fr-core-contact-point-email-type
and as-ext-mailbox-mss-metadata extensions. Délégataires never appear.

This is what the directory receives, so `listeRouge: true` mailboxes are included, flagged
`listeRouge: true` (the directory does not publish them); the CSV, which is what the directory
publishes, leaves them out.

The Bundle is a `collection`; entries are sorted by RPPS, telecoms by address; `fullUrl`s are
`urn:uuid:`s derived from the RPPS, so two exports of one state differ only by `timestamp`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from balprov.exports.fhir import SYSTEM_PROFESSION, SYSTEM_RPPS, JsonObject, contact_point, identifiers
from balprov.planning.normalize import Definition


def practitioner_url(rpps: str) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{SYSTEM_RPPS}|{rpps}')}"


def _practitioner(holder: dict[str, object], telecoms: list[JsonObject]) -> JsonObject:
    name: JsonObject = {"use": "official", "family": holder["lastName"], "given": [holder["firstName"]]}
    if holder.get("civility"):
        name["prefix"] = [holder["civility"]]
    profession = holder["profession"]
    assert isinstance(profession, dict)
    return {
        "resourceType": "Practitioner",
        "identifier": identifiers(str(holder["rpps"])),
        "active": True,
        "name": [name],
        "telecom": telecoms,
        "qualification": [
            {
                "code": {
                    "coding": [
                        {"system": SYSTEM_PROFESSION, "code": profession["code"], "display": profession["label"]}
                    ]
                }
            }
        ],
    }


def bundle(definitions: Iterable[Definition], timestamp: str) -> JsonObject:
    """The Bundle; a person's name and profession are taken from the first of their mailboxes by address."""
    holders: dict[str, dict[str, object]] = {}
    telecoms: dict[str, list[JsonObject]] = {}
    for definition in sorted(definitions, key=lambda d: str(d["address"])):
        point = contact_point(definition)
        for holder in definition["cotitulaires"]:
            holders.setdefault(holder["rpps"], holder)
            telecoms.setdefault(holder["rpps"], []).append(point)
    result: JsonObject = {"resourceType": "Bundle", "type": "collection", "timestamp": timestamp}
    if holders:  # FHIR JSON has no empty arrays
        result["entry"] = [
            {"fullUrl": practitioner_url(rpps), "resource": _practitioner(holders[rpps], telecoms[rpps])}
            for rpps in sorted(holders)
        ]
    return result
