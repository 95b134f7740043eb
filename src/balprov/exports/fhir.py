"""What both FHIR outputs share: code systems, a Practitioner's identifiers, the mailbox ContactPoint.

The Annuaire Santé represents a mailbox as a `telecom` ContactPoint (`system: email`) on its holder's
resource; a BAL Cabinet's holders are Practitioners, one per cotitulaire (ansforge IG-fhir-annuaire,
profile as-mailbox-mss; domain.md). Plain dicts and lists: the shapes are checked in the tests with the
`fhir.resources` R4B models, which balprov itself does not depend on.
"""

from __future__ import annotations

from typing import Any

from balprov.identifiers import idnat_ps
from balprov.planning.normalize import Definition, principal_of

SYSTEM_RPPS = "https://rpps.esante.gouv.fr"
SYSTEM_IDNAT_PS = "urn:oid:1.2.250.1.71.4.2.1"
SYSTEM_IDENTIFIER_TYPE = "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203"
SYSTEM_PROFESSION = "https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante"
SYSTEM_TYPE_MESSAGERIE = "https://mos.esante.gouv.fr/NOS/TRE_R256-TypeMessagerie/FHIR/TRE-R256-TypeMessagerie"
SYSTEM_TYPE_BAL = "https://mos.esante.gouv.fr/NOS/TRE_R257-TypeBAL/FHIR/TRE-R257-TypeBAL"
EXT_EMAIL_TYPE = "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-contact-point-email-type"
EXT_MAILBOX_METADATA = "https://interop.esante.gouv.fr/ig/fhir/annuaire/StructureDefinition/as-ext-mailbox-mss-metadata"

JsonObject = dict[str, Any]


def conditional_url(rpps: str) -> str:
    """The Practitioner addressed by its RPPS: `Practitioner?identifier=https://rpps.esante.gouv.fr|{RPPS}`."""
    return f"Practitioner?identifier={SYSTEM_RPPS}|{rpps}"


def identifiers(rpps: str) -> list[JsonObject]:
    """idNat_PS (`8` + RPPS) and RPPS, typed as FR Core types them."""
    return [
        {
            "use": "official",
            "type": {"coding": [{"system": SYSTEM_IDENTIFIER_TYPE, "code": "IDNPS"}]},
            "system": SYSTEM_IDNAT_PS,
            "value": idnat_ps(rpps),
        },
        {
            "use": "official",
            "type": {"coding": [{"system": SYSTEM_IDENTIFIER_TYPE, "code": "RPPS"}]},
            "system": SYSTEM_RPPS,
            "value": rpps,
        },
    ]


def contact_point(definition: Definition) -> JsonObject:
    """The mailbox as the ContactPoint each cotitulaire's Practitioner carries.

    Metadata: `type` CAB (TRE_R257), `description` when the definition has one, `responsible` the
    principal's idNat_PS, `listeRouge`. `service` is left out: a definition has no service."""
    metadata: list[JsonObject] = [
        {"url": "type", "valueCodeableConcept": {"coding": [{"system": SYSTEM_TYPE_BAL, "code": "CAB"}]}}
    ]
    if definition.get("description"):
        metadata.append({"url": "description", "valueString": definition["description"]})
    principal = principal_of(definition)
    if principal is not None:
        metadata.append({"url": "responsible", "valueString": idnat_ps(principal)})
    metadata.append({"url": "listeRouge", "valueBoolean": bool(definition.get("listeRouge"))})
    return {
        "extension": [
            {"url": EXT_EMAIL_TYPE, "valueCoding": {"system": SYSTEM_TYPE_MESSAGERIE, "code": "MSSANTE"}},
            {"url": EXT_MAILBOX_METADATA, "extension": metadata},
        ],
        "system": "email",
        "value": definition["address"],
    }


def telecom_path(address: str) -> str:
    """A FHIRPath to the mailbox's ContactPoint on a Practitioner (for PATCH replace and delete)."""
    quoted = address.replace("\\", "\\\\").replace("'", "\\'")
    return f"Practitioner.telecom.where(system = 'email' and value = '{quoted}')"
