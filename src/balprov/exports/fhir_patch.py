"""`balprov export annuaire --format fhir-patch`: a plan's published changes as a FHIR transaction.

The shape of the Annuaire Santé's draft operator-feed API (domain.md): each holder's Practitioner is
addressed conditionally, `PATCH Practitioner?identifier=https://rpps.esante.gouv.fr|{RPPS}`, with a
FHIRPath Patch `Parameters` body of operations on `telecom`:

- `insert` (at index 0 of `Practitioner.telecom`) the mailbox's ContactPoint, for every cotitulaire of a
  created mailbox and every cotitulaire added to one;
- `delete` `Practitioner.telecom.where(system = 'email' and value = '{address}')`, for every cotitulaire
  of a deleted mailbox and every cotitulaire removed from one;
- `replace` that same element with the new ContactPoint, for the cotitulaires a mailbox keeps, when
  what is published of it changes (address, description, principal, liste rouge).

Changes nothing publishes (délégataires, usage, a holder's own details, which the RPPS owns) give no
operation. A transaction may touch a resource once, so one entry per RPPS gathers all its operations,
in the plan's order (mailboxes by name); entries are sorted by RPPS.
"""

from __future__ import annotations

from collections.abc import Iterable

from balprov.exports.fhir import JsonObject, conditional_url, contact_point, telecom_path
from balprov.planning.model import Change


def _operation(kind: str, path: str, *, value: JsonObject | None = None, index: int | None = None) -> JsonObject:
    parts: list[JsonObject] = [{"name": "type", "valueCode": kind}, {"name": "path", "valueString": path}]
    if index is not None:
        parts.append({"name": "index", "valueInteger": index})
    if value is not None:
        parts.append({"name": "value", "valueContactPoint": value})
    return {"name": "operation", "part": parts}


def _insert(point: JsonObject) -> JsonObject:
    return _operation("insert", "Practitioner.telecom", value=point, index=0)


def operations(change: Change) -> dict[str, list[JsonObject]]:
    """The operations of one change, by RPPS."""
    before, after = change.before or {}, change.after or {}
    old = {c["rpps"] for c in before.get("cotitulaires", [])} if change.action != "create" else set()
    new = {c["rpps"] for c in after.get("cotitulaires", [])} if change.action != "delete" else set()
    result: dict[str, list[JsonObject]] = {}
    old_point = contact_point(before) if old else None
    new_point = contact_point(after) if new else None
    for rpps in [c["rpps"] for c in before.get("cotitulaires", []) if c["rpps"] not in new]:
        assert old_point is not None
        result.setdefault(rpps, []).append(_operation("delete", telecom_path(old_point["value"])))
    for rpps in [c["rpps"] for c in after.get("cotitulaires", [])]:
        assert new_point is not None
        if rpps not in old:
            result.setdefault(rpps, []).append(_insert(new_point))
        elif old_point != new_point:
            assert old_point is not None
            result.setdefault(rpps, []).append(_operation("replace", telecom_path(old_point["value"]), value=new_point))
    return result


def patch_bundle(changes: Iterable[Change]) -> JsonObject:
    """The transaction Bundle of the changes (noops give nothing)."""
    by_holder: dict[str, list[JsonObject]] = {}
    for change in changes:
        if change.action == "noop":
            continue
        for rpps, found in operations(change).items():
            by_holder.setdefault(rpps, []).extend(found)
    result: JsonObject = {"resourceType": "Bundle", "type": "transaction"}
    if by_holder:  # FHIR JSON has no empty arrays
        result["entry"] = [
            {
                "resource": {"resourceType": "Parameters", "parameter": by_holder[rpps]},
                "request": {"method": "PATCH", "url": conditional_url(rpps)},
            }
            for rpps in sorted(by_holder)
        ]
    return result
