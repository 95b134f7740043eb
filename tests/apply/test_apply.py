"""plan and apply end to end on the embedded state and the local provider."""

from __future__ import annotations

import json
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from balprov.project import load_project
from balprov.providers.registry import open_provider
from balprov.state.open import open_state

Run = Callable[..., Any]  # the `run` fixture of conftest.py
TODAY = "2026-11-29"
LILAS = "cabinet-des-lilas-93260"


def state_json(run: Run) -> dict[str, object]:
    result = run("state", "list", "--format", "json")
    assert result.code == 0, result.err
    body: dict[str, object] = json.loads(result.out)
    return body


def provider_db(project: Path) -> sqlite3.Connection:
    return sqlite3.connect(project / ".balprov" / "operator-demo.db")


def edit(project: Path, relative: str, old: str, new: str) -> None:
    path = project / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_plan_that_cannot_be_saved_says_where_and_exits_1(run: Run, project: Path) -> None:
    (project / "a-file").write_text("not a folder\n", encoding="utf-8")
    planned = run("plan", "-o", "a-file/plan.json", "--today", TODAY)
    assert planned.code == 1
    assert planned.err.splitlines()[-1].startswith("balprov: a-file/plan.json: cannot write: ")
    assert "internal error" not in planned.err and list(project.glob("**/.plan.json.*")) == []


def test_a_saved_plan_replaces_an_older_one_and_stays_private(run: Run, project: Path) -> None:
    (project / "plan.json").write_text("old\n", encoding="utf-8")
    (project / "plan.json").chmod(0o644)
    assert run("plan", "-o", "plan.json", "--today", TODAY).code == 0
    assert stat.S_IMODE((project / "plan.json").stat().st_mode) == 0o600
    assert (project / "plan.json").read_text(encoding="utf-8").startswith("{")


def test_first_apply_creates_everything_then_nothing_to_do(run: Run, project: Path) -> None:
    planned = run("plan", "-o", "plan.json", "--today", TODAY)
    assert planned.code == 0, planned.err
    assert planned.out.splitlines()[0] == "Plan: 7 to create, 0 to update, 0 to delete, 0 unchanged."
    assert stat.S_IMODE((project / "plan.json").stat().st_mode) == 0o600
    applied = run("apply", "plan.json")
    assert applied.code == 0, applied.err
    assert "Apply: 7 applied, 0 failed, 0 not attempted." in applied.out
    body = state_json(run)
    assert body["serial"] == 7 and len(body["mailboxes"]) == 7  # type: ignore[arg-type]
    assert run("plan", "--detailed-exitcode", "--today", TODAY).code == 0
    with provider_db(project) as db:
        assert db.execute("select count(*) from mailboxes").fetchone()[0] == 7


def test_detailed_exitcode_is_2_with_changes(run: Run) -> None:
    assert run("plan", "--detailed-exitcode", "--today", TODAY).code == 2


def test_update_is_applied_and_journaled_with_the_principal(run: Run, project: Path) -> None:
    assert run("apply", "--auto-approve", "--today", TODAY).code == 0
    edit(project, "cabinets/cabinet-des-lilas.yaml", "rights: [read, send]", "rights: [read]")
    planned = run("plan", "--today", TODAY)
    assert '~ delegataires[claire.dupont].rights: ["read", "send"] -> ["read"]' in planned.out
    assert run("apply", "--auto-approve", "--today", TODAY).code == 0
    history = json.loads(run("state", "history", LILAS, "--format", "json").out)["entries"]
    assert [e["action"] for e in history] == ["create", "update"]
    assert history[0]["accountable"] == "10107592585"
    shown = json.loads(run("state", "show", LILAS, "--format", "json").out)
    assert shown["definition"]["delegataires"][0]["rights"] == ["read"]


def test_a_saved_plan_applies_once(run: Run) -> None:
    assert run("plan", "-o", "plan.json", "--today", TODAY).code == 0
    assert run("apply", "plan.json").code == 0
    again = run("apply", "plan.json")
    assert again.code == 1
    assert "already applied" in again.err


def test_a_stale_plan_is_refused_and_says_what_moved(run: Run, project: Path) -> None:
    assert run("apply", "--auto-approve", "--today", TODAY).code == 0
    edit(project, "cabinets/cabinet-des-lilas.yaml", "displayName: Cabinet des Lilas", "displayName: Cabinet Les Lilas")
    assert run("plan", "-o", "old.json", "--today", TODAY).code == 0
    edit(project, "cabinets/cabinet-des-lilas.yaml", "rights: [read, send]", "rights: [read]")
    assert run("apply", "--auto-approve", "--today", TODAY).code == 0
    stale = run("apply", "old.json")
    assert stale.code == 1
    assert "stale plan: it was made at state serial 7, the state is now at serial 8" in stale.err
    assert f"update {LILAS}" in stale.err


def test_a_plan_from_another_state_is_refused(run: Run, project: Path) -> None:
    assert run("plan", "-o", "plan.json", "--today", TODAY).code == 0
    (project / ".balprov" / "state.db").unlink()  # a new state: another lineage
    for suffix in ("-wal", "-shm"):
        (project / ".balprov" / f"state.db{suffix}").unlink(missing_ok=True)
    refused = run("apply", "plan.json")
    assert refused.code == 1 and "made for another state" in refused.err


def test_damaged_plans_are_refused_and_nothing_changes(run: Run, project: Path) -> None:
    assert run("plan", "-o", "plan.json", "--today", TODAY).code == 0
    text = (project / "plan.json").read_text(encoding="utf-8")
    cases = {
        "truncated.json": (text[: len(text) // 2], "truncated or damaged JSON"),
        "edited.json": (text.replace('"read", "send"', '"read"', 1).replace("Claire", "Mallory", 1), "digest mismatch"),
        "version.json": (text.replace('"format_version": "1"', '"format_version": "9"'), "not supported"),
        "shape.json": ('{"format_version": "1"}', "not a valid balprov plan file"),
        "binary.json": ("\udcff", "truncated or damaged JSON"),
    }
    for name, (content, message) in cases.items():
        (project / name).write_bytes(content.encode("utf-8", "surrogateescape"))
        result = run("apply", name)
        assert result.code == 1, name
        assert message in result.err, (name, result.err)
        assert "Traceback" not in result.err
    assert state_json(run)["serial"] == 0


def test_deletion_needs_allow_delete(run: Run, project: Path) -> None:
    assert run("apply", "--auto-approve", "--today", TODAY).code == 0
    (project / "cabinets" / "sgami" / "conseil-medical.yaml").unlink()
    refused = run("apply", "--auto-approve", "--today", TODAY)
    assert refused.code == 1 and "--allow-delete" in refused.err
    assert state_json(run)["serial"] == 7
    allowed = run("apply", "--auto-approve", "--allow-delete", "--today", TODAY)
    assert allowed.code == 0, allowed.err
    entry = json.loads(run("state", "history", "sgami-sud-est-conseil-medical-69003", "--format", "json").out)[
        "entries"
    ][-1]
    assert (entry["action"], entry["accountable"]) == ("delete", "10003000295")
    with provider_db(project) as db:
        assert db.execute("select count(*) from mailboxes").fetchone()[0] == 6


def test_apply_without_a_terminal_needs_auto_approve(run: Run) -> None:
    result = run("apply", "--today", TODAY)
    assert result.code == 1 and "--auto-approve" in result.err
    assert state_json(run)["serial"] == 0


def test_a_held_lock_is_named_and_can_be_forced(run: Run, project: Path) -> None:
    with open_state(load_project(None, project)) as state:
        held = state.acquire_lock("test", 0)
        refused = run("apply", "--auto-approve", "--lock-timeout", "0.3s", "--today", TODAY)
        assert refused.code == 1
        assert held.lock_id in refused.err and "force-unlock" in refused.err
        assert run("force-unlock", held.lock_id).code == 0
    assert run("apply", "--auto-approve", "--today", TODAY).code == 0


def install_failure(project: Path, trigger: str) -> None:
    """Make the local provider's own database refuse some inserts: a real failure, not a mock."""
    project_settings = load_project(None, project)
    with open_state(project_settings) as state:
        lineage = state.snapshot().lineage
    open_provider(project_settings.operators["demo"], project_settings, lineage).close()  # creates its tables
    with provider_db(project) as db:
        db.execute(trigger)


def test_partial_failure_exits_3_and_a_rerun_converges(run: Run, project: Path) -> None:
    install_failure(
        project,
        "create trigger quota before insert on mailboxes when new.address like 'reseau-%' "
        "begin select raise(abort, 'quota exceeded at the operator'); end",
    )
    partial = run("apply", "--auto-approve", "--today", TODAY)
    assert partial.code == 3, partial.out + partial.err
    assert "FAILED create reseau-cancerologie-villeurbanne" in partial.out
    assert "quota exceeded at the operator" in partial.out
    assert "Apply: 2 applied, 1 failed, 4 not attempted." in partial.out
    assert state_json(run)["serial"] == 2
    with provider_db(project) as db:
        db.execute("drop trigger quota")
    assert run("apply", "--auto-approve", "--today", TODAY).code == 0
    assert state_json(run)["serial"] == 7


def test_the_first_failure_changes_nothing_exit_1(run: Run, project: Path) -> None:
    install_failure(
        project, "create trigger down before insert on mailboxes begin select raise(abort, 'operator down'); end"
    )
    result = run("apply", "--auto-approve", "--today", TODAY)
    assert result.code == 1
    assert "Apply: 0 applied, 1 failed, 6 not attempted." in result.out
    assert state_json(run)["serial"] == 0


def test_drift_is_reported_by_refresh(run: Run, project: Path) -> None:
    assert run("apply", "--auto-approve", "--today", TODAY).code == 0
    with provider_db(project) as db:
        db.execute(
            "update mailboxes set definition = json_set(definition, '$.displayName', 'Changed by hand') "
            "where address = 'cabinet-des-lilas.93260@demo.mssante.fr'"
        )
    assert run("plan", "--detailed-exitcode", "--today", TODAY).code == 0  # the state alone sees nothing
    refreshed = run("plan", "--refresh", "--detailed-exitcode", "--today", TODAY)
    assert refreshed.code == 2
    assert "Drift: 1 mailbox(es) changed at the operator outside balprov:" in refreshed.out
    assert 'displayName: recorded "Cabinet des Lilas", found "Changed by hand"' in refreshed.out
    assert '~ displayName: "Changed by hand" -> "Cabinet des Lilas"' in refreshed.out


def test_plan_refuses_invalid_definitions(run: Run, project: Path) -> None:
    edit(project, "cabinets/cabinet-des-lilas.yaml", '"10001045367"\n      civility', '"10001045368"\n      civility')
    result = run("plan", "--today", TODAY)
    assert result.code == 1
    assert "cabinets/cabinet-des-lilas.yaml:31:" in result.err and "[rpps-checksum]" in result.err
    assert "nothing was planned" in result.err


def test_state_show_of_an_unknown_mailbox(run: Run) -> None:
    result = run("state", "show", "nope")
    assert result.code == 1 and "no mailbox 'nope' in the state" in result.err


def test_continue_on_error_applies_the_rest(run: Run, project: Path) -> None:
    install_failure(
        project,
        "create trigger quota before insert on mailboxes when new.address like 'reseau-%' "
        "begin select raise(abort, 'quota exceeded at the operator'); end",
    )
    result = run("apply", "--auto-approve", "--continue-on-error", "--today", TODAY)
    assert result.code == 3
    assert "Apply: 6 applied, 1 failed, 0 not attempted." in result.out
    assert state_json(run)["serial"] == 6
