"""plan and apply end to end on the PostgreSQL state, and its faults, with real processes.

The scenarios of test_apply.py run again here on a project whose balprov.yaml says `backend: postgres`
with the DSN's password as `${BALPROV_TEST_PG_PASSWORD}` (only the one that deletes the SQLite file is
left out); every command's output is checked for the password. Then the faults: two `apply` processes on
two working copies sharing the database, and the connection dropped in the middle of an apply.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from apply import test_apply as scenarios
from apply.conftest import Result, Run
from balprov.state.postgres import PostgresState
from services.postgres import PASSWORD, PostgresServer

REPO = Path(__file__).resolve().parents[2]
TODAY = "2026-11-29"
PASSWORD_VARIABLE = "BALPROV_TEST_PG_PASSWORD"


def postgres_config(dsn_with_reference: str, provider_path: Path | None = None) -> str:
    """The shipped balprov.yaml, its state on PostgreSQL (and its provider file at `provider_path`)."""
    text = (REPO / "balprov.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "  backend: sqlite\n  path: .balprov/state.db\n", f"  backend: postgres\n  dsn: {dsn_with_reference}\n"
    )
    if provider_path is not None:
        text = text.replace("      type: local\n", f"      type: local\n      path: {provider_path}\n")
    assert "backend: postgres" in text
    return text


@pytest.fixture
def project(
    tmp_path: Path, postgres_server: PostgresServer, postgres_database: str, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """The shipped examples, with the state in this test's PostgreSQL database."""
    shutil.copytree(REPO / "cabinets", tmp_path / "cabinets")
    dsn = postgres_server.dsn(postgres_database, password="${" + PASSWORD_VARIABLE + "}")
    (tmp_path / "balprov.yaml").write_text(postgres_config(dsn), encoding="utf-8")
    monkeypatch.setenv(PASSWORD_VARIABLE, PASSWORD)
    return tmp_path


@pytest.fixture
def run(run: Run) -> Run:
    """conftest's `run`, checking that no output ever shows the DSN's password."""

    def invoke(*args: str) -> Result:
        result = run(*args)
        assert PASSWORD not in result.out + result.err, args
        assert "Traceback" not in result.err
        return result

    return invoke


# The scenarios of test_apply.py, on this module's `project` (the SQLite-file one is left out).
test_first_apply_creates_everything_then_nothing_to_do = (
    scenarios.test_first_apply_creates_everything_then_nothing_to_do
)
test_detailed_exitcode_is_2_with_changes = scenarios.test_detailed_exitcode_is_2_with_changes
test_update_is_applied_and_journaled_with_the_principal = (
    scenarios.test_update_is_applied_and_journaled_with_the_principal
)
test_a_saved_plan_applies_once = scenarios.test_a_saved_plan_applies_once
test_a_stale_plan_is_refused_and_says_what_moved = scenarios.test_a_stale_plan_is_refused_and_says_what_moved
test_damaged_plans_are_refused_and_nothing_changes = scenarios.test_damaged_plans_are_refused_and_nothing_changes
test_deletion_needs_allow_delete = scenarios.test_deletion_needs_allow_delete
test_apply_without_a_terminal_needs_auto_approve = scenarios.test_apply_without_a_terminal_needs_auto_approve
test_a_held_lock_is_named_and_can_be_forced = scenarios.test_a_held_lock_is_named_and_can_be_forced
test_partial_failure_exits_3_and_a_rerun_converges = scenarios.test_partial_failure_exits_3_and_a_rerun_converges
test_the_first_failure_changes_nothing_exit_1 = scenarios.test_the_first_failure_changes_nothing_exit_1
test_drift_is_reported_by_refresh = scenarios.test_drift_is_reported_by_refresh
test_continue_on_error_applies_the_rest = scenarios.test_continue_on_error_applies_the_rest


def test_the_project_really_uses_postgres(run: Run, project: Path, postgres_server: PostgresServer) -> None:
    assert run("apply", "--auto-approve", "--today", TODAY).code == 0
    assert not (project / ".balprov" / "state.db").exists()
    database = json.loads(run("state", "list", "--format", "json").out)
    assert database["serial"] == 7


# ---------------------------------------------------------------------------------------------------
# Faults, with real processes


COUNT = 300


def working_copy(root: Path, dsn: str, provider: Path, count: int = COUNT) -> Path:
    """A checkout of a repository of `count` cabinets: the state in the shared database, the operator
    (the local provider) in one shared file, as every working copy of a team sees the same operator."""
    root.mkdir(parents=True)
    (root / "balprov.yaml").write_text(postgres_config(dsn, provider), encoding="utf-8")
    (root / "cabinets").mkdir()
    template = (REPO / "cabinets" / "cabinet-infirmier-saint-jean.yaml").read_text(encoding="utf-8")
    for index in range(count):
        text = template.replace("cabinet-infirmier-saint-jean-69005", f"cabinet-{index:04d}-saint-jean-69005")
        text = text.replace("cabinet-infirmier-saint-jean.69005@", f"cabinet-{index:04d}.saint-jean.69005@")
        (root / "cabinets" / f"c{index:04d}.yaml").write_text(text, encoding="utf-8")
    return root


def balprov(root: Path, *args: str) -> subprocess.Popen[str]:
    """balprov in a process of its own; its output goes to files (a pipe nobody reads yet would block it)."""
    outputs = root / ".outputs"
    outputs.mkdir(exist_ok=True)
    name = f"{time.monotonic_ns()}"
    with (outputs / f"{name}.out").open("w") as out, (outputs / f"{name}.err").open("w") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "balprov", *args],
            cwd=root,
            stdout=out,
            stderr=err,
            text=True,
            env={**os.environ, "NO_COLOR": "1", PASSWORD_VARIABLE: PASSWORD},
        )
    _outputs[process.pid] = (outputs / f"{name}.out", outputs / f"{name}.err")
    return process


_outputs: dict[int, tuple[Path, Path]] = {}


def finish(process: subprocess.Popen[str], timeout: float = 180) -> tuple[int, str, str]:
    process.wait(timeout=timeout)
    out_path, err_path = _outputs.pop(process.pid)
    out, err = out_path.read_text(encoding="utf-8"), err_path.read_text(encoding="utf-8")
    assert PASSWORD not in out + err and "Traceback" not in err
    return process.returncode, out, err


class SerialWatch:
    """Reads the state's serial every few milliseconds from its own connection, as long as it runs."""

    def __init__(self, server: PostgresServer, database: str) -> None:
        self._server, self._database = server, database
        self.seen: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        with self._server.admin(self._database) as db:
            while not self._stop.is_set():
                self.seen.append(self.read(db))
                time.sleep(0.002)

    @staticmethod
    def read(db: psycopg.Connection[tuple[object, ...]]) -> int:
        try:
            row = db.execute("SELECT serial FROM balprov_meta").fetchone()
        except psycopg.errors.UndefinedTable:
            return 0
        return int(row[0]) if row is not None else 0  # type: ignore[call-overload]

    def current(self) -> int:
        return self.seen[-1] if self.seen else 0

    def __enter__(self) -> SerialWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def wait_for(condition: object, process: subprocess.Popen[str], timeout: float = 60) -> None:
    assert callable(condition)
    deadline = time.monotonic() + timeout
    while not condition() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)


def journal(server: PostgresServer, database: str) -> list[tuple[int, int, str, str]]:
    with server.admin(database) as db:
        rows = db.execute("SELECT id, serial, name, action FROM balprov_journal ORDER BY id").fetchall()
    return [(int(r[0]), int(r[1]), str(r[2]), str(r[3])) for r in rows]  # type: ignore[call-overload]


def check_consistent(server: PostgresServer, database: str) -> int:
    """The state is whole: serial = journal length, serials 1..n in journal order, a row per live mailbox."""
    entries = journal(server, database)
    with server.admin(database) as db:
        (serial,) = db.execute("SELECT serial FROM balprov_meta").fetchone()  # type: ignore[misc]
        names = {str(r[0]) for r in db.execute("SELECT name FROM balprov_mailboxes").fetchall()}
    assert [e[1] for e in entries] == list(range(1, int(serial) + 1))
    created = [e[2] for e in entries if e[3] == "create"]
    assert len(created) == len(set(created)), "a create recorded twice"
    assert names == set(created)
    return int(serial)


def provider_count(provider: Path) -> int:
    with sqlite3.connect(provider) as db:
        return int(db.execute("select count(*) from mailboxes").fetchone()[0])


@pytest.fixture
def shared(tmp_path: Path, postgres_server: PostgresServer, postgres_database: str) -> Iterator[tuple[str, Path]]:
    dsn = postgres_server.dsn(postgres_database, password="${" + PASSWORD_VARIABLE + "}")
    yield dsn, tmp_path / "operator" / "operator-demo.db"


def slow_server(server: PostgresServer, database: str, seconds: float = 0.02) -> None:
    """A slow database: every journal entry takes `seconds` more, so an apply holds the lock for a while."""
    with server.admin(database) as db:
        PostgresState(server.dsn(database)).close()  # creates the state
        db.execute(
            "CREATE FUNCTION slow() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN PERFORM pg_sleep({seconds}); RETURN NEW; END $$; "
            "CREATE TRIGGER slow AFTER INSERT ON balprov_journal FOR EACH ROW EXECUTE FUNCTION slow()"
        )


def test_two_applies_on_two_working_copies_one_applies_the_other_waits_or_refuses(
    tmp_path: Path, postgres_server: PostgresServer, postgres_database: str, shared: tuple[str, Path]
) -> None:
    dsn, provider = shared
    first = working_copy(tmp_path / "alice", dsn, provider)
    second = working_copy(tmp_path / "bob", dsn, provider)
    edited = second / "cabinets" / "c0007.yaml"  # bob's checkout has one more change: an update
    edited.write_text(edited.read_text(encoding="utf-8").replace("displayName: ", "displayName: Bob's "), "utf-8")
    slow_server(postgres_server, postgres_database)

    with SerialWatch(postgres_server, postgres_database) as watch:
        alice = balprov(first, "apply", "--auto-approve", "--today", TODAY)
        wait_for(lambda: watch.current() >= 5, alice)
        assert alice.poll() is None, "alice's apply finished before bob's started: raise COUNT"
        refused = balprov(second, "apply", "--auto-approve", "--today", TODAY)  # --lock-timeout 0s
        waiting = balprov(second, "apply", "--auto-approve", "--lock-timeout", "120s", "--today", TODAY)
        code, out, err = finish(refused)
        assert alice.poll() is None, "alice's apply finished before bob's was refused: raise COUNT"
        assert code == 1, out + err
        assert "the state is locked: lock " in err and f"(pid {alice.pid}) for apply since " in err
        assert "balprov force-unlock " in err
        alice_code, alice_out, alice_err = finish(alice)
        assert alice_code == 0, alice_out + alice_err
        assert f"Apply: {COUNT} applied, 0 failed, 0 not attempted." in alice_out
        code, out, err = finish(waiting)
        assert code == 0, out + err
        # bob planned under the lock, after alice: alice's creates are in the state, only his update remains
        assert "Plan: 0 to create, 1 to update, 0 to delete" in out
        assert "Apply: 1 applied, 0 failed, 0 not attempted." in out

    assert watch.seen == sorted(watch.seen), "the serial went backwards"
    assert check_consistent(postgres_server, postgres_database) == COUNT + 1
    entries = journal(postgres_server, postgres_database)
    assert [e[3] for e in entries].count("create") == COUNT
    assert [(e[2], e[3]) for e in entries if e[3] == "update"] == [("cabinet-0007-saint-jean-69005", "update")]
    assert provider_count(provider) == COUNT
    plan = subprocess.run(
        [sys.executable, "-m", "balprov", "plan", "--detailed-exitcode", "--today", TODAY],
        cwd=second,
        capture_output=True,
        text=True,
        env={**os.environ, PASSWORD_VARIABLE: PASSWORD},
    )
    assert plan.returncode == 0, plan.stdout + plan.stderr


def test_two_applies_started_together_apply_each_change_once(
    tmp_path: Path, postgres_server: PostgresServer, postgres_database: str, shared: tuple[str, Path]
) -> None:
    dsn, provider = shared
    copies = [working_copy(tmp_path / name, dsn, provider, count=120) for name in ("alice", "bob", "carol")]
    with SerialWatch(postgres_server, postgres_database) as watch:
        processes = [
            balprov(root, "apply", "--auto-approve", "--lock-timeout", "120s", "--today", TODAY) for root in copies
        ]
        results = [finish(process) for process in processes]
    assert [code for code, _, _ in results] == [0, 0, 0], results
    applied = sorted(out.count("  created ") for _, out, _ in results)
    assert applied == [0, 0, 120]  # one applied everything; the others planned after it: nothing to do
    assert watch.seen == sorted(watch.seen)
    assert check_consistent(postgres_server, postgres_database) == 120
    assert provider_count(provider) == 120


def test_the_connection_dropped_mid_apply_leaves_nothing_half_written_and_a_rerun_converges(
    tmp_path: Path, postgres_server: PostgresServer, postgres_database: str, shared: tuple[str, Path]
) -> None:
    dsn, provider = shared
    root = working_copy(tmp_path / "ci", dsn, provider)
    slow_server(postgres_server, postgres_database, 0.005)  # so the drop surely lands mid-apply
    with SerialWatch(postgres_server, postgres_database) as watch:
        victim = balprov(root, "apply", "--auto-approve", "--today", TODAY)
        wait_for(lambda: watch.current() >= 40, victim)
        assert victim.poll() is None, "apply finished before its connection could be dropped: raise COUNT"
        with postgres_server.admin() as admin:
            ended = admin.execute(
                "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                "WHERE datname = %s AND application_name LIKE 'balprov%%'",
                (postgres_database,),
            ).fetchall()
        assert len(ended) == 2  # the data session and the lock session
        code, out, err = finish(victim)
    assert code in (1, 3), out + err
    assert "the connection to the state database was lost while recording the create of cabinet-" in out
    assert "postgresql://balprov:***@127.0.0.1:" in out
    assert "fix the cause and run `balprov apply` again to converge" in err
    dropped_at = check_consistent(postgres_server, postgres_database)
    assert 40 <= dropped_at < COUNT
    assert watch.seen == sorted(watch.seen)
    # the operator may hold one mailbox more than the state (applied there, not recorded): never fewer
    assert provider_count(provider) in (dropped_at, dropped_at + 1)

    code, out, err = finish(balprov(root, "apply", "--auto-approve", "--today", TODAY))
    assert code == 0, out + err  # the lock went with the dropped session: nothing to force
    assert f"Apply: {COUNT - dropped_at} applied, 0 failed, 0 not attempted." in out
    assert check_consistent(postgres_server, postgres_database) == COUNT
    assert provider_count(provider) == COUNT
    code, out, err = finish(balprov(root, "plan", "--detailed-exitcode", "--today", TODAY))
    assert code == 0, out + err
