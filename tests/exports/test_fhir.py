"""`--format fhir` and `--format fhir-patch`, validated with the fhir.resources R4B models."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from balprov.exports.fhir import EXT_EMAIL_TYPE, EXT_MAILBOX_METADATA, SYSTEM_IDNAT_PS, SYSTEM_RPPS
from balprov.exports.fhir_bundle import bundle
from balprov.exports.fhir_patch import patch_bundle
from balprov.planning.model import Change

from .conftest import GOLDEN, TODAY, Run, definition

TIMESTAMP = "2026-11-29T08:00:00Z"


def golden(name: str, value: Any) -> Any:
    path = GOLDEN / name
    if os.environ.get("BALPROV_UPDATE_GOLDEN") == "1":
        path.write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return json.loads(path.read_text(encoding="utf-8"))


def validated(body: dict[str, Any]) -> Bundle:
    """Parsed by the R4B models (unknown or mistyped elements fail), and unchanged by the round trip."""
    parsed = Bundle.model_validate(body)
    assert json.loads(parsed.model_dump_json(exclude_none=True)) == json.loads(json.dumps(body))
    return parsed


def metadata(point: dict[str, Any]) -> dict[str, Any]:
    extension = next(e for e in point["extension"] if e["url"] == EXT_MAILBOX_METADATA)
    return {e["url"]: e for e in extension["extension"]}


# -- the Bundle ------------------------------------------------------------------------------------


def test_shipped_examples_match_the_golden_file(run: Run, applied: Path) -> None:
    result = run("export", "annuaire", "--format", "fhir")
    assert result.code == 0, result.err
    body = json.loads(result.out)
    assert body.pop("timestamp")  # the only volatile field
    body["timestamp"] = TIMESTAMP
    validated(body)
    assert body == golden("examples.fhir.json", body)


def test_one_practitioner_per_cotitulaire_with_each_mailbox(run: Run, applied: Path) -> None:
    body = json.loads(run("export", "annuaire", "--format", "fhir").out)
    parsed = validated(body)
    assert parsed.type == "collection"
    practitioners = [entry["resource"] for entry in body["entry"]]
    rpps = [next(i["value"] for i in p["identifier"] if i["system"] == SYSTEM_RPPS) for p in practitioners]
    assert len(rpps) == len(set(rpps)) == 8  # 11 (mailbox, cotitulaire) pairs, the SGAMI inspector in 4
    for practitioner in practitioners:
        ids = {i["system"]: i["value"] for i in practitioner["identifier"]}
        assert ids[SYSTEM_IDNAT_PS] == "8" + ids[SYSTEM_RPPS]
    vidal = next(p for p in practitioners if any(i["value"] == "10003000295" for i in p["identifier"]))
    assert [t["value"] for t in vidal["telecom"]] == [
        "sgami-sud-est.administration.69003@demo.mssante.fr",
        "sgami-sud-est.conseil-medical.69003@demo.mssante.fr",
        "sgami-sud-est.section-detention.69003@demo.mssante.fr",
        "sgami-sud-est.service-medical.69003@demo.mssante.fr",
    ]
    for delegate in ("Dupont", "Garnier", "Lefort"):
        assert delegate not in json.dumps(body)


def test_the_mailbox_contact_point_carries_the_annuaire_extensions(run: Run, applied: Path) -> None:
    body = json.loads(run("export", "annuaire", "--format", "fhir").out)
    bernard = next(e["resource"] for e in body["entry"] if e["resource"]["name"][0]["family"] == "Bernard")
    (point,) = bernard["telecom"]
    assert point["system"] == "email" and point["value"] == "cabinet-des-lilas.93260@demo.mssante.fr"
    email_type = next(e for e in point["extension"] if e["url"] == EXT_EMAIL_TYPE)
    assert email_type["valueCoding"]["code"] == "MSSANTE"
    meta = metadata(point)
    assert meta["type"]["valueCodeableConcept"]["coding"][0]["code"] == "CAB"
    assert meta["type"]["valueCodeableConcept"]["coding"][0]["system"].endswith("TRE-R257-TypeBAL")
    assert meta["description"]["valueString"] == "Cabinet médical de groupe, secrétariat partagé"
    assert meta["responsible"]["valueString"] == "810107592585"  # the principal, Anne Martin
    assert meta["listeRouge"]["valueBoolean"] is False


def test_liste_rouge_is_flagged_for_the_directory() -> None:
    body = bundle([definition("secret", "10107592585", liste_rouge=True)], TIMESTAMP)
    validated(body)
    assert metadata(body["entry"][0]["resource"]["telecom"][0])["listeRouge"]["valueBoolean"] is True


def test_empty_state_gives_an_empty_valid_bundle() -> None:
    body = bundle([], TIMESTAMP)
    validated(body)
    assert "entry" not in body


# -- the PATCH transaction -------------------------------------------------------------------------


def change(action: str, before: dict[str, Any] | None, after: dict[str, Any] | None) -> Change:
    address = (after or before or {})["address"]
    return Change(name="x", address=address, action=action, before=before, after=after)


def operations(body: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """By RPPS: (type, path) of each operation."""
    result = {}
    for entry in body.get("entry", []):
        assert entry["request"]["method"] == "PATCH"
        url = entry["request"]["url"]
        assert url.startswith(f"Practitioner?identifier={SYSTEM_RPPS}|")
        parts = [{p["name"]: p for p in op["part"]} for op in entry["resource"]["parameter"]]
        result[url.rpartition("|")[2]] = [(p["type"]["valueCode"], p["path"]["valueString"]) for p in parts]
    return result


def test_create_inserts_the_mailbox_on_every_cotitulaire() -> None:
    body = patch_bundle([change("create", None, definition("new", "10107592585", "10001045367"))])
    parsed = validated(body)
    assert parsed.type == "transaction"
    assert operations(body) == {
        "10001045367": [("insert", "Practitioner.telecom")],
        "10107592585": [("insert", "Practitioner.telecom")],
    }
    insert = body["entry"][0]["resource"]["parameter"][0]["part"]
    assert {p["name"]: p for p in insert}["index"]["valueInteger"] == 0
    assert {p["name"]: p for p in insert}["value"]["valueContactPoint"]["value"] == "new@demo.mssante.fr"


def test_delete_removes_it_from_every_cotitulaire() -> None:
    body = patch_bundle([change("delete", definition("old", "10107592585"), None)])
    validated(body)
    path = "Practitioner.telecom.where(system = 'email' and value = 'old@demo.mssante.fr')"
    assert operations(body) == {"10107592585": [("delete", path)]}


def test_update_adds_removes_and_replaces_per_holder() -> None:
    before = definition("lilas", "10107592585", "10001045367")
    after = definition("lilas", "10107592585", "10104335319")  # Bernard leaves, Roche joins
    after["description"] = "Nouvelle description"
    body = patch_bundle([change("update", before, after)])
    validated(body)
    path = "Practitioner.telecom.where(system = 'email' and value = 'lilas@demo.mssante.fr')"
    assert operations(body) == {
        "10001045367": [("delete", path)],
        "10104335319": [("insert", "Practitioner.telecom")],
        "10107592585": [("replace", path)],
    }


def test_an_address_change_replaces_the_old_element() -> None:
    before = definition("lilas", "10107592585")
    after = copy.deepcopy(before)
    after["address"] = "lilas.93260@demo.mssante.fr"
    body = patch_bundle([change("update", before, after)])
    ((kind, path),) = operations(body)["10107592585"]
    assert (kind, path) == (
        "replace",
        "Practitioner.telecom.where(system = 'email' and value = 'lilas@demo.mssante.fr')",
    )
    value = body["entry"][0]["resource"]["parameter"][0]["part"][2]["valueContactPoint"]
    assert value["value"] == "lilas.93260@demo.mssante.fr"


def test_unpublished_changes_give_no_operation() -> None:
    before = definition("lilas", "10107592585", delegates=("10003000220",))
    after = copy.deepcopy(before)
    after["delegataires"] = []
    after["usage"] = "Autre usage.\n"
    after["cotitulaires"][0]["authentication"] = "CPS"
    body = patch_bundle([change("update", before, after), Change("y", "y@demo.mssante.fr", "noop")])
    validated(body)
    assert "entry" not in body


def test_a_principal_change_replaces_the_responsible_everywhere() -> None:
    before = definition("lilas", "10107592585", "10001045367")
    after = copy.deepcopy(before)
    after["cotitulaires"][0]["principal"], after["cotitulaires"][1]["principal"] = False, True
    body = patch_bundle([change("update", before, after)])
    assert {rpps: [k for k, _ in ops] for rpps, ops in operations(body).items()} == {
        "10001045367": ["replace"],
        "10107592585": ["replace"],
    }
    value = body["entry"][0]["resource"]["parameter"][0]["part"][2]["valueContactPoint"]
    assert metadata(value)["responsible"]["valueString"] == "810001045367"


def test_one_entry_per_practitioner_across_mailboxes() -> None:
    """A transaction may touch a resource once: the SGAMI inspector's four new mailboxes are one PATCH."""
    changes = [change("create", None, definition(f"sgami-{n}", "10003000295")) for n in range(4)]
    body = patch_bundle(changes)
    validated(body)
    assert len(body["entry"]) == 1
    assert [kind for kind, _ in operations(body)["10003000295"]] == ["insert"] * 4


def test_cli_from_a_saved_plan_matches_the_golden_file(run: Run, project: Path) -> None:
    assert run("plan", "-o", "plan.json", "--today", TODAY).code == 0
    result = run("export", "annuaire", "--format", "fhir-patch", "--plan", "plan.json")
    assert result.code == 0, result.err
    body = json.loads(result.out)
    validated(body)
    assert len(body["entry"]) == 8 and all(ops == [("insert", "Practitioner.telecom")] * len(ops) for ops in
                                              operations(body).values())  # fmt: skip
    assert body == golden("examples.fhir-patch.json", body)


def test_cli_plans_now_without_a_plan_file(run: Run, applied: Path) -> None:
    path = applied / "cabinets" / "cabinet-des-lilas.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Cabinet médical de groupe", "Cabinet de groupe"), "utf-8")
    result = run("export", "annuaire", "--format", "fhir-patch", "--today", TODAY, "-o", "patch.json")
    assert result.code == 0, result.err
    body = json.loads((applied / "patch.json").read_text(encoding="utf-8"))
    assert {rpps: [k for k, _ in ops] for rpps, ops in operations(body).items()} == {
        "10001045367": ["replace"],
        "10107592585": ["replace"],
    }


def test_cli_no_change_gives_an_empty_transaction(run: Run, applied: Path) -> None:
    result = run("export", "annuaire", "--format", "fhir-patch", "--today", TODAY)
    assert result.code == 0
    assert json.loads(result.out) == {"resourceType": "Bundle", "type": "transaction"}
    assert "no changes" in result.err


@pytest.mark.parametrize("args", [("--format", "csv", "--plan", "p.json"), ("--plan", "p.json")])
def test_plan_goes_with_fhir_patch_only(run: Run, args: tuple[str, ...]) -> None:
    result = run("export", "annuaire", *args)
    assert result.code == 2
    assert "--plan goes with --format fhir-patch only" in result.err


def test_a_damaged_plan_file_is_a_clear_error(run: Run, project: Path) -> None:
    (project / "p.json").write_text("{not json", encoding="utf-8")
    result = run("export", "annuaire", "--format", "fhir-patch", "--plan", "p.json")
    assert result.code == 1
    assert "not a balprov plan file" in result.err and "Traceback" not in result.err
