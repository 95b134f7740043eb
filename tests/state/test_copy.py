"""`balprov state copy --to CONFIG`: a state moved from SQLite to PostgreSQL and back, lineage, serial,
mailboxes and journal unchanged, so the plans and the operator's ownership carry over."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from balprov.project import load_project
from balprov.state import StateExport, open_state
from clirun import Result, Run, run_in_process
from services.postgres import PASSWORD, PostgresServer

REPO = Path(__file__).resolve().parents[2]
TODAY = "2026-11-29"


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Run:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("BALPROV_TEST_PG_PASSWORD", PASSWORD)

    def invoke(*args: str) -> Result:
        result = run_in_process(capsys, args)
        assert PASSWORD not in result.out + result.err
        assert "Traceback" not in result.err
        return result

    return invoke


@pytest.fixture
def project(tmp_path: Path, postgres_server: PostgresServer, postgres_database: str) -> Path:
    """The shipped examples on SQLite (balprov.yaml), and pg.yaml: the same project on PostgreSQL."""
    shutil.copy(REPO / "balprov.yaml", tmp_path / "balprov.yaml")
    shutil.copytree(REPO / "cabinets", tmp_path / "cabinets")
    dsn = postgres_server.dsn(postgres_database, password="${BALPROV_TEST_PG_PASSWORD}")
    text = (tmp_path / "balprov.yaml").read_text(encoding="utf-8")
    (tmp_path / "pg.yaml").write_text(
        text.replace("  backend: sqlite\n  path: .balprov/state.db\n", f"  backend: postgres\n  dsn: {dsn}\n"),
        encoding="utf-8",
    )
    assert "postgres" in (tmp_path / "pg.yaml").read_text(encoding="utf-8")
    return tmp_path


def exported(root: Path, config: str) -> StateExport:
    with open_state(load_project(root / config, root)) as state:
        return state.export_state()


def test_sqlite_to_postgres_and_back(run: Run, project: Path) -> None:
    assert run("apply", "--auto-approve", "--today", TODAY).code == 0
    sqlite_state = exported(project, "balprov.yaml")
    assert sqlite_state.serial == 7

    copied = run("state", "copy", "--to", "pg.yaml")
    assert copied.code == 0, copied.err
    assert f"copied state lineage {sqlite_state.lineage}, serial 7 (7 mailbox(es), 7 journal entries)" in copied.out
    assert "to postgresql://balprov:***@127.0.0.1:" in copied.out
    assert exported(project, "pg.yaml") == sqlite_state

    # the PostgreSQL project plans nothing: same lineage, so the operator's mailboxes are its own
    assert run("--config", "pg.yaml", "plan", "--detailed-exitcode", "--today", TODAY).code == 0
    edited = project / "cabinets" / "cabinet-des-lilas.yaml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("rights: [read, send]", "rights: [read]"), "utf-8")
    assert run("--config", "pg.yaml", "apply", "--auto-approve", "--today", TODAY).code == 0
    pg_state = exported(project, "pg.yaml")
    assert pg_state.serial == 8

    refused = run("--config", "pg.yaml", "state", "copy", "--to", "balprov.yaml")
    assert refused.code == 1
    assert "the target state is not empty (serial 7, 7 mailbox(es), 7 journal entries)" in refused.err
    assert "nothing was copied. Pass --force to replace it" in refused.err
    assert exported(project, "balprov.yaml") == sqlite_state

    back = run("--config", "pg.yaml", "state", "copy", "--to", "balprov.yaml", "--force")
    assert back.code == 0, back.err
    assert exported(project, "balprov.yaml") == pg_state
    assert run("plan", "--detailed-exitcode", "--today", TODAY).code == 0
    history = json.loads(run("state", "history", "--format", "json").out)["entries"]
    assert [entry["serial"] for entry in history] == list(range(1, 9))


def test_copy_to_the_same_state_is_refused(run: Run, project: Path) -> None:
    refused = run("--config", "pg.yaml", "state", "copy", "--to", "pg.yaml")
    assert refused.code == 1 and "the source and the target are the same state" in refused.err


def test_copy_waits_for_or_names_the_targets_lock(run: Run, project: Path) -> None:
    assert run("apply", "--auto-approve", "--today", TODAY).code == 0
    with open_state(load_project(project / "pg.yaml", project)) as target:
        held = target.acquire_lock("apply", 0)
        refused = run("state", "copy", "--to", "pg.yaml")
        assert refused.code == 1 and held.lock_id in refused.err
        target.release_lock(held.lock_id)
    assert run("state", "copy", "--to", "pg.yaml", "--lock-timeout", "5s").code == 0


def test_a_missing_target_config_is_reported(run: Run, project: Path) -> None:
    result = run("state", "copy", "--to", "nowhere.yaml")
    assert result.code == 2 and "nowhere.yaml" in result.err
