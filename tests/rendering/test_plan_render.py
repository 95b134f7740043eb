"""Rendered plans compared with golden files. Regenerate with BALPROV_UPDATE_GOLDEN=1 and review the diff."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from balprov.planning.diff import Desired, plan_changes
from balprov.planning.model import Plan
from balprov.planning.normalize import digest, normalize, scheduled
from balprov.rendering import render_plan
from balprov.rendering.plan import COMMENT_LIMIT

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests" / "golden" / "plan"
TODAY = "2026-11-29"


def load(name: str) -> dict[str, Any]:
    path = next((REPO / "cabinets").rglob(name))
    document: dict[str, Any] = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return document


def definitions(documents: list[dict[str, Any]], today: str = TODAY) -> dict[str, Desired]:
    result = {}
    for document in documents:
        d = normalize(document, today)
        result[d["name"]] = Desired(d, digest(d), f"cabinets/{d['name']}.yaml", tuple(scheduled(document, today)))
    return result


def make(want: list[dict[str, Any]], have: list[dict[str, Any]], today: str = TODAY) -> Plan:
    recorded = {n: d.definition for n, d in definitions(have, today).items()}
    return Plan(
        lineage="6f1c2a0e-1b2c-4d5e-8f90-123456789abc",
        serial=7,
        today=today,
        inputs_digest="sha256:" + "0" * 64,
        changes=tuple(plan_changes(definitions(want, today), recorded, today)),
        plan_id="00000000-0000-4000-8000-000000000001",
        created_at="2026-11-29T08:00:00+00:00",
    )


def scenario() -> Plan:
    """One plan with every kind of change a reviewer meets."""
    lilas, reseau, infirmier = (
        load("cabinet-des-lilas.yaml"),
        load("reseau-cancerologie-villeurbanne.yaml"),
        load("cabinet-infirmier-saint-jean.yaml"),
    )
    conseil = load("conseil-medical.yaml")
    old_lilas = copy.deepcopy(lilas)
    old_lilas["spec"]["delegataires"][0]["rights"] = ["read"]
    lilas["spec"]["delegataires"].append(
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
    old_reseau = copy.deepcopy(reseau)
    reseau["spec"]["cotitulaires"][0]["principal"] = False
    reseau["spec"]["cotitulaires"][1]["principal"] = True
    return make([lilas, reseau, infirmier], [old_lilas, old_reseau, infirmier, conseil])


def expiring() -> Plan:
    """The secretary's delegation ends on 2026-12-24: applied that day, withdrawn by the plan of the 25th."""
    lilas = load("cabinet-des-lilas.yaml")
    lilas["spec"]["delegataires"][0]["validUntil"] = "2026-12-24"
    recorded = {n: d.definition for n, d in definitions([lilas], "2026-12-24").items()}
    return Plan(
        lineage="6f1c2a0e-1b2c-4d5e-8f90-123456789abc",
        serial=8,
        today="2026-12-25",
        inputs_digest="sha256:" + "0" * 64,
        changes=tuple(plan_changes(definitions([lilas], "2026-12-25"), recorded, "2026-12-25")),
        plan_id="00000000-0000-4000-8000-000000000002",
        created_at="2026-12-25T06:00:00+00:00",
    )


def created() -> Plan:
    """A new mailbox: the network of fiche case 3, with its secretary."""
    return make([load("reseau-cancerologie-villeurbanne.yaml")], [])


CASES = {
    "created.md": (created, "markdown"),
    "created.txt": (created, "text"),
    "mixed.txt": (scenario, "text"),
    "mixed.md": (scenario, "markdown"),
    "mixed.json": (scenario, "json"),
    "expiring.txt": (expiring, "text"),
    "expiring.md": (expiring, "markdown"),
}


@pytest.mark.parametrize("golden", sorted(CASES))
def test_plan_matches_golden(golden: str) -> None:
    build, output_format = CASES[golden]
    rendered = render_plan(build(), output_format, None)
    path = GOLDEN / golden
    if os.environ.get("BALPROV_UPDATE_GOLDEN") == "1":
        path.write_text(rendered, encoding="utf-8")
    assert rendered == path.read_text(encoding="utf-8")


def test_text_plan_starts_with_the_summary() -> None:
    first = render_plan(scenario(), "text", None).splitlines()[0]
    assert first == "Plan: 0 to create, 2 to update, 1 to delete, 1 unchanged."


def test_no_change_plan_says_so() -> None:
    lilas = load("cabinet-des-lilas.yaml")
    assert render_plan(make([lilas], [lilas]), "text", None) == "No changes. 1 mailbox(es) match the state.\n"


def test_json_plan_has_the_contract_shape() -> None:
    body = json.loads(render_plan(scenario(), "json", None))
    assert body["format_version"] == "1"
    assert body["state"] == {"lineage": "6f1c2a0e-1b2c-4d5e-8f90-123456789abc", "serial": 7}
    assert body["summary"] == {"create": 0, "update": 2, "delete": 1, "noop": 1}
    update = next(c for c in body["changes"] if c["name"] == "cabinet-des-lilas-93260")
    assert {"path": "delegataires[claire.dupont].rights", "before": ["read"], "after": ["read", "send"]} in update[
        "attributes"
    ]
    assert body["inputs_digest"].startswith("sha256:")


def test_markdown_stays_under_the_comment_limit_with_a_note() -> None:
    many = []
    base = load("cabinet-des-lilas.yaml")
    for index in range(700):
        document = copy.deepcopy(base)
        document["metadata"]["name"] = f"cabinet-{index:04d}-93260"
        document["spec"]["address"] = f"cabinet-{index:04d}.93260@demo.mssante.fr"
        many.append(document)
    body = render_plan(make(many, []), "markdown", None)
    assert len(body) <= COMMENT_LIMIT
    assert body.startswith("### balprov plan: 700 to create, 0 to update, 0 to delete, 0 unchanged\n")
    assert "more changed mailbox(es) are not detailed here" in body


def test_a_project_template_overrides_the_shipped_one(tmp_path: Path) -> None:
    (tmp_path / "plan").mkdir()
    (tmp_path / "plan" / "text.j2").write_text("{{ summary.update }} updates\n", encoding="utf-8")
    assert render_plan(scenario(), "text", tmp_path) == "2 updates\n"


def test_templates_render_in_a_sandbox(tmp_path: Path) -> None:
    (tmp_path / "plan").mkdir()
    (tmp_path / "plan" / "text.j2").write_text(
        "{{ plan.__class__.__init__.__globals__['os'].environ }}\n", encoding="utf-8"
    )
    from jinja2.exceptions import SecurityError, UndefinedError

    with pytest.raises((SecurityError, UndefinedError)):
        render_plan(scenario(), "text", tmp_path)
