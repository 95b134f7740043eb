"""The plan is a pure function: each action, identity matching, validity windows, prominent warnings."""

from __future__ import annotations

import copy
from typing import Any

from balprov.planning.diff import Desired, plan_changes
from balprov.planning.normalize import digest, normalize, scheduled

TODAY = "2026-11-29"


def desired(*documents: dict[str, Any], today: str = TODAY) -> dict[str, Desired]:
    result = {}
    for document in documents:
        definition = normalize(document, today)
        result[definition["name"]] = Desired(
            definition, digest(definition), "f.yaml", tuple(scheduled(document, today))
        )
    return result


def recorded(*documents: dict[str, Any], today: str = TODAY) -> dict[str, Any]:
    return {d.definition["name"]: d.definition for d in desired(*documents, today=today).values()}


def paths(change: Any) -> list[tuple[str, Any, Any]]:
    return [(a.path, a.before, a.after) for a in change.attributes]


def test_create_when_not_in_state(lilas: dict[str, Any]) -> None:
    [change] = plan_changes(desired(lilas), {}, TODAY)
    assert (change.action, change.name, change.address) == (
        "create",
        "cabinet-des-lilas-93260",
        "cabinet-des-lilas.93260@demo.mssante.fr",
    )
    assert change.before is None and change.after is not None
    assert ("cotitulaires[10107592585]", None, change.after["cotitulaires"][0]) in paths(change)
    assert ("delegataires[claire.dupont]", None, change.after["delegataires"][0]) in paths(change)


def test_noop_when_digest_matches(lilas: dict[str, Any]) -> None:
    [change] = plan_changes(desired(lilas), recorded(lilas), TODAY)
    assert change.action == "noop" and change.attributes == ()


def test_onboarding_is_not_operator_state(lilas: dict[str, Any]) -> None:
    before = copy.deepcopy(lilas)
    lilas["spec"]["onboarding"]["partnersNotified"] = True
    [change] = plan_changes(desired(lilas), recorded(before), TODAY)
    assert change.action == "noop"


def test_delete_is_flagged(lilas: dict[str, Any]) -> None:
    [change] = plan_changes({}, recorded(lilas), TODAY)
    assert change.action == "delete"
    assert len(change.warnings) == 1 and "DELETED" in change.warnings[0] and "--allow-delete" in change.warnings[0]


def test_update_names_list_items_by_identity(lilas: dict[str, Any]) -> None:
    before = copy.deepcopy(lilas)
    lilas["spec"]["delegataires"][0]["rights"] = ["send", "read"]  # same set: no change
    lilas["spec"]["cotitulaires"][1]["lastName"] = "Bernard-Roux"
    lilas["spec"]["cotitulaires"].reverse()  # order is not identity
    [change] = plan_changes(desired(lilas), recorded(before), TODAY)
    assert change.action == "update"
    assert paths(change) == [("cotitulaires[10001045367].lastName", "Bernard", "Bernard-Roux")]
    assert change.warnings == ()


def test_rights_change(lilas: dict[str, Any]) -> None:
    before = copy.deepcopy(lilas)
    before["spec"]["delegataires"][0]["rights"] = ["read"]
    [change] = plan_changes(desired(lilas), recorded(before), TODAY)
    assert paths(change) == [("delegataires[claire.dupont].rights", ["read"], ["read", "send"])]


def test_principal_change_is_flagged(lilas: dict[str, Any]) -> None:
    before = copy.deepcopy(lilas)
    lilas["spec"]["cotitulaires"][0]["principal"] = False
    lilas["spec"]["cotitulaires"][1]["principal"] = True
    [change] = plan_changes(desired(lilas), recorded(before), TODAY)
    assert [
        w for w in change.warnings if w.startswith("principal changes from Anne Martin (10107592585) to Paul Bernard")
    ]


def test_removed_cotitulaire_who_delegated_is_flagged(lilas: dict[str, Any]) -> None:
    before = copy.deepcopy(lilas)
    del lilas["spec"]["cotitulaires"][1]
    lilas["spec"]["delegataires"][0]["delegatedBy"] = ["10107592585"]
    have = recorded(before)
    [change] = plan_changes(desired(lilas), have, TODAY)
    removed = have["cabinet-des-lilas-93260"]["cotitulaires"][1]
    assert ("cotitulaires[10001045367]", removed, None) in paths(change)
    assert any(
        "Paul Bernard (10001045367) is removed but had delegated access to claire.dupont" in w for w in change.warnings
    )


def test_address_change_is_flagged(lilas: dict[str, Any]) -> None:
    before = copy.deepcopy(lilas)
    lilas["spec"]["address"] = "cabinet-des-lilas.les-lilas@demo.mssante.fr"
    [change] = plan_changes(desired(lilas), recorded(before), TODAY)
    assert change.action == "update" and change.address == "cabinet-des-lilas.les-lilas@demo.mssante.fr"
    assert any(w.startswith("address changes from cabinet-des-lilas.93260@") for w in change.warnings)


def _with_remplacant(document: dict[str, Any]) -> dict[str, Any]:
    document["spec"]["delegataires"].append(
        {
            "id": "remplacant.leroy",
            "rpps": "10104335319",
            "lastName": "Leroy",
            "firstName": "Marc",
            "role": "Médecin remplaçant",
            "rights": ["read", "send"],
            "delegatedBy": ["10107592585"],
            "validFrom": "2026-12-01",
            "validUntil": "2026-12-24",
        }
    )
    return document


def test_replacement_window_on_given_days(lilas: dict[str, Any]) -> None:
    document = _with_remplacant(lilas)
    applied_before_window = recorded(document, today="2026-11-29")
    # Before the window: nothing to do, and the plan says it is scheduled.
    [change] = plan_changes(desired(document, today="2026-11-30"), applied_before_window, "2026-11-30")
    assert change.action == "noop"
    assert change.notes == ("delegation to remplacant.leroy is scheduled from 2026-12-01: not granted yet",)
    # First day: granted.
    [change] = plan_changes(desired(document, today="2026-12-01"), applied_before_window, "2026-12-01")
    assert change.action == "update"
    assert [p for p, _, _ in paths(change)] == ["delegataires[remplacant.leroy]"]
    assert "delegation to remplacant.leroy starts (valid from 2026-12-01)" in change.notes
    # Last day: still in force, nothing to do.
    in_force = recorded(document, today="2026-12-01")
    [change] = plan_changes(desired(document, today="2026-12-24"), in_force, "2026-12-24")
    assert change.action == "noop"
    # The day after: withdrawn.
    [change] = plan_changes(desired(document, today="2026-12-25"), in_force, "2026-12-25")
    assert change.action == "update"
    assert paths(change)[0][0] == "delegataires[remplacant.leroy]" and paths(change)[0][2] is None


def test_changes_are_sorted_by_name(lilas: dict[str, Any]) -> None:
    other = copy.deepcopy(lilas)
    other["metadata"]["name"] = "aaa-first"
    other["spec"]["address"] = "aaa.93260@demo.mssante.fr"
    changes = plan_changes(desired(lilas, other), {}, TODAY)
    assert [c.name for c in changes] == ["aaa-first", "cabinet-des-lilas-93260"]


def test_plan_is_pure(lilas: dict[str, Any]) -> None:
    want, have = desired(lilas), recorded(lilas)
    snapshot = copy.deepcopy((want, have))
    assert plan_changes(want, have, TODAY) == plan_changes(want, have, TODAY)
    assert (want, have) == snapshot
