"""The plan as a pure function of (definitions, recorded state): no I/O, no clock, no randomness.

Lists are matched by identity (cotitulaires by RPPS, délégataires by id), so reordering a file changes
nothing and a changed field is named precisely: `cotitulaires[10107592585].lastName`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from balprov.planning.model import AttributeChange, Change
from balprov.planning.normalize import Definition, digest, principal_of

_IDENTITY = {"cotitulaires": "rpps", "delegataires": "id"}


@dataclass(frozen=True, slots=True)
class Desired:
    definition: Definition
    digest: str
    file: str | None = None
    scheduled: tuple[dict[str, Any], ...] = ()  # délégataires defined but outside their window today


def plan_changes(
    desired: Mapping[str, Desired],
    recorded: Mapping[str, Definition],
    today: str,
    recorded_digests: Mapping[str, str] | None = None,
) -> list[Change]:
    """Every mailbox's change, sorted by name: create, update, delete or noop. `recorded_digests` (the
    digests the state stored) spares hashing every recorded definition again."""
    known = recorded_digests or {}
    changes: list[Change] = []
    for name in sorted(desired.keys() | recorded.keys()):
        want, have = desired.get(name), recorded.get(name)
        if want is None:
            assert have is not None
            changes.append(_delete(name, have))
            continue
        notes = _scheduled_notes(want.scheduled, today)
        if have is None:
            attributes = tuple(diff_definitions({}, want.definition))
            changes.append(
                Change(
                    name, want.definition["address"], "create", attributes, (), notes, None, want.definition, want.file
                )
            )
        elif (known.get(name) or digest(have)) == want.digest:
            changes.append(Change(name, want.definition["address"], "noop", notes=notes, file=want.file))
        else:
            attributes = tuple(diff_definitions(have, want.definition))
            warnings = tuple(_update_warnings(have, want.definition))
            notes += tuple(_window_notes(have, want.definition, today))
            changes.append(
                Change(
                    name,
                    want.definition["address"],
                    "update",
                    attributes,
                    warnings,
                    notes,
                    have,
                    want.definition,
                    want.file,
                )
            )
    return changes


def _delete(name: str, have: Definition) -> Change:
    holders = ", ".join(_person(c) for c in have["cotitulaires"])
    warning = (
        f"mailbox {have['address']} will be DELETED at the operator (cotitulaires: {holders}); "
        "only its principal may decide this, and apply needs --allow-delete"
    )
    attributes = tuple(diff_definitions(have, {}))
    return Change(name, have["address"], "delete", attributes, (warning,), (), have, None, None)


def diff_definitions(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[AttributeChange]:
    changes: list[AttributeChange] = []
    for key in _ordered_keys(before, after):
        old, new = before.get(key), after.get(key)
        if key in _IDENTITY:
            changes.extend(_diff_list(key, _IDENTITY[key], old or [], new or []))
        elif isinstance(old, dict) and isinstance(new, dict):
            changes.extend(
                AttributeChange(f"{key}.{sub}", old.get(sub), new.get(sub))
                for sub in _ordered_keys(old, new)
                if old.get(sub) != new.get(sub)
            )
        elif old != new and key != "name":
            changes.append(AttributeChange(key, old, new))
    return changes


def _ordered_keys(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    return list(after) + [key for key in before if key not in after]


def _diff_list(
    key: str, identity: str, before: list[dict[str, Any]], after: list[dict[str, Any]]
) -> list[AttributeChange]:
    old = {item[identity]: item for item in before}
    new = {item[identity]: item for item in after}
    changes: list[AttributeChange] = []
    for ident in list(new) + [i for i in old if i not in new]:
        path = f"{key}[{ident}]"
        if ident not in old:
            changes.append(AttributeChange(path, None, new[ident]))
        elif ident not in new:
            changes.append(AttributeChange(path, old[ident], None))
        else:
            changes.extend(
                AttributeChange(f"{path}.{field}", old[ident].get(field), new[ident].get(field))
                for field in _ordered_keys(old[ident], new[ident])
                if old[ident].get(field) != new[ident].get(field)
            )
    return changes


def _person(item: Mapping[str, Any]) -> str:
    return f"{item.get('firstName', '')} {item.get('lastName', '')} ({item.get('rpps') or item.get('id')})".strip()


def _update_warnings(before: Definition, after: Definition) -> list[str]:
    warnings: list[str] = []
    if before["address"] != after["address"]:
        warnings.append(
            f"address changes from {before['address']} to {after['address']}: correspondents and the Annuaire Santé "
            "still know the old one"
        )
    if before["operator"] != after["operator"]:
        warnings.append(
            f"operator changes from {before['operator']} to {after['operator']}: deleted at one, created at the other"
        )
    old_principal, new_principal = principal_of(before), principal_of(after)
    if old_principal != new_principal:
        people = {c["rpps"]: _person(c) for c in before["cotitulaires"] + after["cotitulaires"]}
        warnings.append(
            f"principal changes from {people.get(old_principal or '', old_principal)} to "
            f"{people.get(new_principal or '', new_principal)}: the principal alone creates or deletes the mailbox"
        )
    kept = {c["rpps"] for c in after["cotitulaires"]}
    for holder in before["cotitulaires"]:
        if holder["rpps"] in kept:
            continue
        delegated = [d["id"] for d in before["delegataires"] if holder["rpps"] in d["delegatedBy"]]
        if delegated:
            warnings.append(
                f"cotitulaire {_person(holder)} is removed but had delegated access to {', '.join(delegated)}: "
                "check who is now responsible for that access"
            )
    return warnings


def _window_notes(before: Definition, after: Definition, today: str) -> list[str]:
    old = {d["id"] for d in before["delegataires"]}
    return [
        f"delegation to {d['id']} starts (valid from {d['validFrom']})"
        for d in after["delegataires"]
        if d["id"] not in old and d.get("validFrom") and d["validFrom"] <= today
    ]


def _scheduled_notes(scheduled: tuple[dict[str, Any], ...], today: str) -> tuple[str, ...]:
    notes = []
    for item in scheduled:
        if item.get("validFrom") and item["validFrom"] > today:
            notes.append(f"delegation to {item['id']} is scheduled from {item['validFrom']}: not granted yet")
        elif item.get("validUntil") and item["validUntil"] < today:
            notes.append(f"delegation to {item['id']} ended on {item['validUntil']}: withdrawn")
    return tuple(notes)
