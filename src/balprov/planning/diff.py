"""The plan as a pure function of (definitions, recorded state): no I/O, no clock, no randomness.

Lists are matched by identity (cotitulaires by RPPS, délégataires by id), so reordering a file changes
nothing and a changed field is named precisely: `cotitulaires[10107592585].lastName`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from balprov.i18n import _
from balprov.planning.model import AttributeChange, Change
from balprov.planning.normalize import Definition, digest, principal_of

_IDENTITY = {"cotitulaires": "rpps", "delegataires": "id"}


@dataclass(frozen=True, slots=True)
class Desired:
    # The definition, or a function that gives it: an unchanged mailbox's is the state's own, decoded only
    # if something reads it (a no-change plan of 50,000 mailboxes reads none).
    source: Definition | Callable[[], Definition]
    digest: str
    file: str | None = None
    scheduled: tuple[dict[str, Any], ...] = ()  # délégataires defined but outside their window today
    known_address: str | None = None  # given with a lazy source, so that a no-change plan decodes nothing

    @property
    def address(self) -> str:
        return self.known_address if self.known_address is not None else str(self.definition["address"])

    @property
    def definition(self) -> Definition:
        return self.source() if callable(self.source) else self.source


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
    # `recorded` may decode on access: a definition is read only when its digest is not enough.
    for name in sorted(desired.keys() | recorded.keys()):
        want = desired.get(name)
        if want is None:
            changes.append(_delete(name, recorded[name]))
            continue
        notes = _scheduled_notes(want.scheduled, today)
        if name not in recorded:
            attributes = tuple(diff_definitions({}, want.definition))
            changes.append(
                Change(
                    name, want.definition["address"], "create", attributes, (), notes, None, want.definition, want.file
                )
            )
        elif (known.get(name) or digest(recorded[name])) == want.digest:
            changes.append(Change(name, want.address, "noop", notes=notes, file=want.file))
        else:
            have = recorded[name]
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
    warning = _(
        "mailbox {address} will be DELETED at the operator (cotitulaires: {holders}); "
        "only its principal may decide this, and apply needs --allow-delete"
    ).format(address=have["address"], holders=holders)
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
            _(
                "address changes from {before} to {after}: correspondents and the Annuaire Santé still know the old one"
            ).format(before=before["address"], after=after["address"])
        )
    if before["operator"] != after["operator"]:
        warnings.append(
            _("operator changes from {before} to {after}: deleted at one, created at the other").format(
                before=before["operator"], after=after["operator"]
            )
        )
    old_principal, new_principal = principal_of(before), principal_of(after)
    if old_principal != new_principal:
        people = {c["rpps"]: _person(c) for c in before["cotitulaires"] + after["cotitulaires"]}
        warnings.append(
            _("principal changes from {before} to {after}: the principal alone creates or deletes the mailbox").format(
                before=people.get(old_principal or "", old_principal),
                after=people.get(new_principal or "", new_principal),
            )
        )
    kept = {c["rpps"] for c in after["cotitulaires"]}
    for holder in before["cotitulaires"]:
        if holder["rpps"] in kept:
            continue
        delegated = [d["id"] for d in before["delegataires"] if holder["rpps"] in d["delegatedBy"]]
        if delegated:
            warnings.append(
                _(
                    "cotitulaire {person} is removed but had delegated access to {delegataires}: "
                    "check who is now responsible for that access"
                ).format(person=_person(holder), delegataires=", ".join(delegated))
            )
    return warnings


def _window_notes(before: Definition, after: Definition, today: str) -> list[str]:
    old = {d["id"] for d in before["delegataires"]}
    return [
        _("delegation to {id} starts (valid from {start})").format(id=d["id"], start=d["validFrom"])
        for d in after["delegataires"]
        if d["id"] not in old and d.get("validFrom") and d["validFrom"] <= today
    ]


def _scheduled_notes(scheduled: tuple[dict[str, Any], ...], today: str) -> tuple[str, ...]:
    notes = []
    for item in scheduled:
        if item.get("validFrom") and item["validFrom"] > today:
            note = _("delegation to {id} is scheduled from {start}: not granted yet")
            notes.append(note.format(id=item["id"], start=item["validFrom"]))
        elif item.get("validUntil") and item["validUntil"] < today:
            notes.append(
                _("delegation to {id} ended on {end}: withdrawn").format(id=item["id"], end=item["validUntil"])
            )
    return tuple(notes)
