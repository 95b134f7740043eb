"""A validated cabinet document to its normalized definition: what the state records, the plan compares
and providers receive.

Normalization makes two definitions that mean the same thing equal: absent optional fields become
None, rights are sorted, the onboarding checklist (not operator state) is left out, and délégataires
outside their validity window on `today` are left out, so that a daily plan grants a remplaçant's
access on its first day and withdraws it after its last.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

Definition = dict[str, Any]


def in_force(delegataire: dict[str, Any], today: str) -> bool:
    start, end = delegataire.get("validFrom"), delegataire.get("validUntil")
    return (start is None or start <= today) and (end is None or today <= end)


def normalize(document: dict[str, Any], today: str) -> Definition:
    spec = document["spec"]
    structure = spec["structure"]
    return {
        "name": document["metadata"]["name"],
        "address": spec["address"],
        "operator": spec["operator"],
        "displayName": spec["displayName"],
        "description": spec.get("description"),
        "listeRouge": bool(spec.get("listeRouge", False)),
        "structure": {
            "type": structure["type"],
            "name": structure["name"],
            "addressLines": list(structure.get("addressLines", [])),
            "postalCode": structure["postalCode"],
            "city": structure["city"],
        },
        "usage": spec["usage"],
        "cotitulaires": [_cotitulaire(item) for item in spec["cotitulaires"]],
        "delegataires": [_delegataire(item) for item in spec.get("delegataires", []) if in_force(item, today)],
    }


def scheduled(document: dict[str, Any], today: str) -> list[dict[str, Any]]:
    """Délégataires defined but not in force today (not started yet, or ended): shown in plans."""
    return [_delegataire(item) for item in document["spec"].get("delegataires", []) if not in_force(item, today)]


def _cotitulaire(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "rpps": item["rpps"],
        "civility": item.get("civility"),
        "lastName": item["lastName"],
        "firstName": item["firstName"],
        "profession": dict(item["profession"]),
        "specialty": dict(item["specialty"]) if item.get("specialty") else None,
        "principal": item.get("principal") is True,
        "authentication": item["authentication"],
        "nominatedBy": item.get("nominatedBy"),
    }


def _delegataire(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": item["id"],
        "rpps": item.get("rpps"),
        "lastName": item["lastName"],
        "firstName": item["firstName"],
        "role": item.get("role"),
        "rights": sorted(item["rights"]),
        "delegatedBy": list(item["delegatedBy"]),
        "validFrom": item.get("validFrom"),
        "validUntil": item.get("validUntil"),
    }


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(definition: Definition) -> str:
    return "sha256:" + hashlib.sha256(canonical_json(definition).encode("utf-8")).hexdigest()


def principal_of(definition: Definition) -> str | None:
    return next((c["rpps"] for c in definition["cotitulaires"] if c["principal"]), None)
