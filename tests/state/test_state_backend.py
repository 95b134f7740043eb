"""The state backend contract, run against every backend: SQLite and PostgreSQL (on a real server).

A backend is reached through `open_backend`, which opens a new connection on the same state each call,
as two balprov processes would; its `location` is a file path (SQLite) or a DSN (PostgreSQL, a database
of its own per test). The second half holds what only the SQLite file has: modes, schema version,
damaged files; tests/state/test_postgres.py holds what only PostgreSQL has.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from balprov.errors import BalprovError, ConfigError
from balprov.project import Operator, Project
from balprov.state import AppliedChange, StateBackend, StateLockedError, open_state
from balprov.state.postgres import PostgresState
from balprov.state.sqlite import SqliteState

OpenBackend = Callable[[], StateBackend]

# How a child process opens the backend `kind` at `location` (a str): Python source defining `backend`.
CHILD_OPENERS = {
    "sqlite": (
        "from pathlib import Path\nfrom balprov.state.sqlite import SqliteState\nbackend = SqliteState(Path(location))"
    ),
    "postgres": "from balprov.state.postgres import PostgresState\nbackend = PostgresState(location)",
}


@pytest.fixture(params=["sqlite", "postgres"])
def backend_kind(request: pytest.FixtureRequest) -> str:
    kind: str = request.param
    return kind


@pytest.fixture
def location(backend_kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if backend_kind == "sqlite":
        return str(tmp_path / ".balprov" / "state.db")
    if backend_kind == "postgres":
        dsn: str = request.getfixturevalue("postgres_dsn")  # a server only for the postgres runs
        return dsn
    raise AssertionError(backend_kind)  # pragma: no cover


def open_at(kind: str, location: str) -> StateBackend:
    if kind == "sqlite":
        return SqliteState(Path(location))
    if kind == "postgres":
        return PostgresState(location)
    raise AssertionError(kind)  # pragma: no cover


@pytest.fixture
def open_backend(backend_kind: str, location: str) -> Iterator[OpenBackend]:
    opened: list[StateBackend] = []

    def opener() -> StateBackend:
        backend = open_at(backend_kind, location)
        opened.append(backend)
        return backend

    yield opener
    for backend in opened:
        backend.close()


@pytest.fixture
def backend(open_backend: OpenBackend) -> StateBackend:
    return open_backend()


def definition(name: str, address: str, **overrides: Any) -> dict[str, Any]:
    value: dict[str, Any] = {
        "name": name,
        "address": address,
        "operator": "demo",
        "displayName": "Cabinet des Lilas",
        "description": None,
        "listeRouge": False,
        "structure": {
            "type": "cabinet-medical",
            "name": "Cabinet des Lilas",
            "addressLines": [],
            "postalCode": "93260",
            "city": "Les Lilas",
        },
        "usage": "Comptes rendus, résultats d'examens.\n",
        "cotitulaires": [
            {
                "rpps": "10107592585",
                "lastName": "Martin",
                "firstName": "Anne",
                "principal": True,
                "authentication": "e-CPS",
            }
        ],
        "delegataires": [],
    }
    value.update(overrides)
    return value


def change(action: str, name: str, address: str, *, plan_id: str | None = "plan-1", **overrides: Any) -> AppliedChange:
    body = None if action == "delete" else definition(name, address, **overrides)
    return AppliedChange(
        name=name,
        address=address,
        action=action,
        definition=body,
        digest=None if body is None else f"sha256:{uuid.uuid4().hex}",
        provider_ids={} if body is None else {"local_id": address},
        accountable="10107592585",
        actor="anne",
        host="poste-1",
        git_commit="0123456789abcdef0123456789abcdef01234567",
        plan_id=plan_id,
        attributes=[{"path": "displayName", "before": None, "after": "Cabinet des Lilas"}]
        if action == "update"
        else [],
    )


LILAS = "cabinet-des-lilas-93260"
LILAS_AT = "cabinet-des-lilas.93260@demo.mssante.fr"


# ---------------------------------------------------------------------------------------------------
# Lineage, serial, records


def test_a_new_state_is_empty_at_serial_0_with_a_uuid_lineage(backend: StateBackend) -> None:
    snapshot = backend.snapshot()
    assert snapshot.serial == 0 and snapshot.mailboxes == {}
    assert uuid.UUID(snapshot.lineage).version == 4
    assert backend.history() == [] and backend.current_lock() is None


def test_the_lineage_is_set_once_and_survives_reopening(open_backend: OpenBackend) -> None:
    first = open_backend()
    lineage = first.snapshot().lineage
    first.record(change("create", LILAS, LILAS_AT))
    first.close()
    again = open_backend()
    assert again.snapshot().lineage == lineage
    assert again.snapshot().serial == 1


def test_only_record_raises_the_serial(backend: StateBackend) -> None:
    backend.snapshot()
    backend.history()
    backend.entries_for_plan("plan-1")
    lock = backend.acquire_lock("apply", 0)
    backend.release_lock(lock.lock_id)
    assert backend.snapshot().serial == 0
    assert backend.record(change("create", LILAS, LILAS_AT)) == 1
    assert backend.record(change("update", LILAS, LILAS_AT, displayName="Cabinet Les Lilas")) == 2
    assert backend.snapshot().serial == 2


def test_create_records_the_mailbox_and_who_applied_it(backend: StateBackend) -> None:
    created = change("create", LILAS, LILAS_AT, usage="Résultats, coordination — secrétariat\n")
    serial = backend.record(created)
    record = backend.snapshot().mailboxes[LILAS]
    assert record.address == LILAS_AT
    assert record.definition == created.definition
    assert record.digest == created.digest
    assert record.provider_ids == {"local_id": LILAS_AT}
    assert (record.applied_by, record.applied_host, record.git_commit) == ("anne", "poste-1", created.git_commit)
    assert record.applied_at.endswith("Z") and record.applied_at[:4].isdigit()
    [entry] = backend.history(LILAS)
    assert (entry.serial, entry.action, entry.accountable, entry.plan_id) == (serial, "create", "10107592585", "plan-1")
    assert (entry.actor, entry.host, entry.address) == ("anne", "poste-1", LILAS_AT)


def test_update_replaces_the_definition_and_journals_the_attributes(backend: StateBackend) -> None:
    backend.record(change("create", LILAS, LILAS_AT))
    updated = change("update", LILAS, LILAS_AT, displayName="Cabinet Les Lilas")
    backend.record(updated)
    record = backend.snapshot().mailboxes[LILAS]
    assert record.definition["displayName"] == "Cabinet Les Lilas" and record.digest == updated.digest
    assert backend.history(LILAS)[-1].attributes == updated.attributes


def test_an_address_change_updates_the_row_of_that_name(backend: StateBackend) -> None:
    backend.record(change("create", LILAS, LILAS_AT))
    moved = "cabinet-les-lilas.93260@demo.mssante.fr"
    backend.record(change("update", LILAS, moved))
    mailboxes = backend.snapshot().mailboxes
    assert list(mailboxes) == [LILAS] and mailboxes[LILAS].address == moved
    # the old address is free for another mailbox
    backend.record(change("create", "other-93260", LILAS_AT))
    assert backend.snapshot().mailboxes["other-93260"].address == LILAS_AT


def test_an_address_held_by_another_mailbox_is_refused_and_nothing_is_recorded(backend: StateBackend) -> None:
    backend.record(change("create", LILAS, LILAS_AT))
    with pytest.raises(BalprovError, match=f"recorded for mailbox {LILAS}"):
        backend.record(change("create", "copy-93260", LILAS_AT))
    assert backend.snapshot().serial == 1 and len(backend.history()) == 1


def test_delete_removes_the_mailbox_and_keeps_its_history(backend: StateBackend) -> None:
    backend.record(change("create", LILAS, LILAS_AT))
    assert backend.record(change("delete", LILAS, LILAS_AT)) == 2
    assert backend.snapshot().mailboxes == {}
    assert [e.action for e in backend.history(LILAS)] == ["create", "delete"]
    assert backend.history(LILAS)[-1].accountable == "10107592585"


def test_the_journal_is_ordered_and_filtered(backend: StateBackend) -> None:
    names = [f"cabinet-{index}-93260" for index in range(5)]
    for index, name in enumerate(names):
        backend.record(change("create", name, f"cabinet-{index}.93260@demo.mssante.fr", plan_id="plan-a"))
    backend.record(change("update", names[2], "cabinet-2.93260@demo.mssante.fr", plan_id="plan-b"))
    entries = backend.history()
    assert [e.serial for e in entries] == [1, 2, 3, 4, 5, 6]
    assert [e.id for e in entries] == sorted(e.id for e in entries) and len({e.id for e in entries}) == 6
    assert [e.name for e in entries] == [*names, names[2]]
    assert [e.action for e in backend.history(names[2])] == ["create", "update"]
    assert [e.serial for e in backend.entries_for_plan("plan-a")] == [1, 2, 3, 4, 5]
    assert [e.name for e in backend.entries_for_plan("plan-b")] == [names[2]]
    assert backend.entries_for_plan("plan-c") == []


def test_the_journal_is_append_only(backend: StateBackend) -> None:
    backend.record(change("create", LILAS, LILAS_AT))
    before = backend.history()
    backend.record(change("delete", LILAS, LILAS_AT))
    backend.record(change("create", LILAS, LILAS_AT))
    assert backend.history()[: len(before)] == before


def test_another_connection_sees_committed_records(open_backend: OpenBackend) -> None:
    writer, reader = open_backend(), open_backend()
    writer.record(change("create", LILAS, LILAS_AT))
    assert reader.snapshot().serial == 1 and LILAS in reader.snapshot().mailboxes


# ---------------------------------------------------------------------------------------------------
# The lock


def test_a_held_lock_makes_the_second_wait_then_fail_naming_the_holder(open_backend: OpenBackend) -> None:
    first, second = open_backend(), open_backend()
    held = first.acquire_lock("apply", 0)
    assert held.pid == os.getpid() and held.host == socket.gethostname() and held.operation == "apply"
    assert first.current_lock() == held == second.current_lock()
    started = time.monotonic()
    with pytest.raises(StateLockedError) as refused:
        second.acquire_lock("apply", 0.4)
    assert time.monotonic() - started >= 0.4
    message = str(refused.value)
    assert held.describe() in message
    assert f"balprov force-unlock {held.lock_id}" in message
    assert second.current_lock() == held


def test_a_released_lock_can_be_taken_and_a_stale_release_removes_nothing(open_backend: OpenBackend) -> None:
    first, second = open_backend(), open_backend()
    held = first.acquire_lock("apply", 0)
    first.release_lock(held.lock_id)
    assert second.current_lock() is None
    taken = second.acquire_lock("apply", 0)
    assert taken.lock_id != held.lock_id
    first.release_lock(held.lock_id)  # not the current lock: nothing happens
    assert first.current_lock() == taken


def test_waiting_ends_as_soon_as_the_holder_releases(
    open_backend: OpenBackend, backend_kind: str, location: str
) -> None:
    open_backend().close()  # the state exists before the child opens it
    holder = subprocess.Popen(
        [sys.executable, "-c", child_source(backend_kind, location, HOLD_THEN_RELEASE)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "locked"
    started = time.monotonic()
    taken = open_backend().acquire_lock("apply", 10)
    assert time.monotonic() - started < 5
    assert taken.pid == os.getpid()
    assert holder.wait(timeout=10) == 0


def test_a_lock_left_by_a_killed_process_on_this_host_is_taken_over(
    open_backend: OpenBackend, backend_kind: str, location: str
) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", child_source(backend_kind, location, HOLD_FOREVER)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "locked"
    backend = open_backend()
    left = backend.current_lock()
    assert left is not None and left.pid == holder.pid
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    taken = backend.acquire_lock("apply", 0)
    assert taken.pid == os.getpid() and taken.lock_id != left.lock_id


def test_a_lock_of_a_dead_pid_is_taken_over_only_on_its_own_host(
    open_backend: OpenBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    first, second = open_backend(), open_backend()
    with monkeypatch.context() as patched:
        patched.setattr(os, "getpid", lambda: gone.pid)
        patched.setattr(socket, "gethostname", lambda: "another-host")
        elsewhere = first.acquire_lock("apply", 0)
    assert elsewhere.pid == gone.pid
    with pytest.raises(StateLockedError, match="another-host"):
        second.acquire_lock("apply", 0)  # its pid says nothing about a process on another host
    first.release_lock(elsewhere.lock_id)
    with monkeypatch.context() as patched:
        patched.setattr(os, "getpid", lambda: gone.pid)
        left = first.acquire_lock("apply", 0)
    assert left.host == socket.gethostname()
    taken = second.acquire_lock("plan", 0)
    assert taken.pid == os.getpid() and second.current_lock() == taken


def test_force_unlock_removes_the_named_lock_only(open_backend: OpenBackend) -> None:
    first, second = open_backend(), open_backend()
    held = first.acquire_lock("apply", 0)
    with pytest.raises(BalprovError, match="no lock nope is held"):
        second.force_unlock("nope")
    assert second.current_lock() == held
    assert second.force_unlock(held.lock_id) == held
    assert first.current_lock() is None
    with pytest.raises(BalprovError, match=f"no lock {held.lock_id} is held"):
        second.force_unlock(held.lock_id)
    mine = second.acquire_lock("apply", 0)
    first.release_lock(held.lock_id)  # the forced holder finishing later does not remove the new lock
    assert second.current_lock() == mine


# ---------------------------------------------------------------------------------------------------
# Real processes


HOLD_THEN_RELEASE = """
lock = backend.acquire_lock("apply", 0)
print("locked", flush=True)
time.sleep(0.5)
backend.release_lock(lock.lock_id)
backend.close()
"""

HOLD_FOREVER = """
backend.acquire_lock("apply", 0)
print("locked", flush=True)
time.sleep(600)
"""

RECORD_MANY = """
from balprov.state import AppliedChange
worker, count, start_at = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
while time.time() < start_at:
    time.sleep(0.001)
for index in range(count):
    name = f"w{worker}-{index}"
    backend.record(AppliedChange(name=name, address=f"{name}@demo.mssante.fr", action="create",
        definition={"name": name}, digest="sha256:0", provider_ids={}, accountable=None, actor="t",
        host="h", git_commit=None, plan_id=f"worker-{worker}"))
backend.close()
"""


def child_source(kind: str, location: str, body: str) -> str:
    return "import sys, time\n" + f"location = {location!r}\n" + CHILD_OPENERS[kind] + "\n" + textwrap.dedent(body)


def test_concurrent_processes_never_lose_a_record(open_backend: OpenBackend, backend_kind: str, location: str) -> None:
    workers, count = 4, 150
    open_backend().close()  # the state exists before they start
    start_at = time.time() + 1.0
    children = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                child_source(backend_kind, location, RECORD_MANY),
                str(worker),
                str(count),
                str(start_at),
            ],
            stderr=subprocess.PIPE,
            text=True,
        )
        for worker in range(workers)
    ]
    for child in children:
        _, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
    backend = open_backend()
    snapshot = backend.snapshot()
    entries = backend.history()
    assert snapshot.serial == workers * count == len(snapshot.mailboxes) == len(entries)
    assert sorted(e.serial for e in entries) == list(range(1, workers * count + 1))
    assert [e.serial for e in entries] == list(range(1, workers * count + 1))  # journal order is serial order
    for worker in range(workers):
        mine = backend.entries_for_plan(f"worker-{worker}")
        assert [e.name for e in mine] == [f"w{worker}-{index}" for index in range(count)]


# ---------------------------------------------------------------------------------------------------
# Export and import (what `balprov state copy` moves)


@pytest.fixture
def open_other(backend_kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[OpenBackend]:
    """Opens a second, separate state of the same kind (another file, another database)."""
    if backend_kind == "sqlite":
        other = str(tmp_path / "other" / "state.db")
    else:
        server = request.getfixturevalue("postgres_server")
        database = server.create_database()
        request.addfinalizer(lambda: server.drop_database(database))
        other = server.dsn(database)
    opened: list[StateBackend] = []

    def opener() -> StateBackend:
        opened.append(open_at(backend_kind, other))
        return opened[-1]

    yield opener
    for backend in opened:
        backend.close()


def fill(backend: StateBackend) -> None:
    backend.record(change("create", LILAS, LILAS_AT, plan_id="plan-a"))
    backend.record(change("create", "other-93260", "other.93260@demo.mssante.fr", plan_id="plan-a"))
    backend.record(change("update", LILAS, LILAS_AT, plan_id="plan-b", displayName="Cabinet Les Lilas"))
    backend.record(change("delete", "other-93260", "other.93260@demo.mssante.fr", plan_id="plan-c"))


def test_export_holds_the_whole_state(backend: StateBackend) -> None:
    assert backend.export_state().empty
    fill(backend)
    exported = backend.export_state()
    snapshot = backend.snapshot()
    assert (exported.lineage, exported.serial) == (snapshot.lineage, 4) and not exported.empty
    assert {r.name: r for r in exported.mailboxes} == snapshot.mailboxes
    assert exported.journal == backend.history()


def test_import_makes_an_empty_state_an_exact_copy(backend: StateBackend, open_other: OpenBackend) -> None:
    fill(backend)
    target = open_other()
    lock = target.acquire_lock("state copy", 0)
    target.import_state(backend.export_state())
    target.release_lock(lock.lock_id)
    again = open_other()
    assert again.export_state() == backend.export_state()
    assert again.snapshot() == backend.snapshot()
    assert [e.serial for e in again.entries_for_plan("plan-b")] == [3]
    # the copy goes on where the original stopped: next serial, next journal id
    assert again.record(change("create", "third-93260", "third.93260@demo.mssante.fr")) == 5
    assert again.history()[-1].id > backend.history()[-1].id


def test_import_refuses_a_state_that_is_not_empty_unless_forced(backend: StateBackend, open_other: OpenBackend) -> None:
    fill(backend)
    target = open_other()
    target.record(change("create", "mine-93260", "mine.93260@demo.mssante.fr"))
    before = target.export_state()
    with pytest.raises(BalprovError, match=r"not empty \(serial 1, 1 mailbox\(es\), 1 journal entries\).*--force"):
        target.import_state(backend.export_state())
    assert target.export_state() == before
    target.import_state(backend.export_state(), force=True)
    assert target.export_state() == backend.export_state()
    assert "mine-93260" not in target.snapshot().mailboxes


def test_an_empty_export_resets_a_forced_target(backend: StateBackend, open_other: OpenBackend) -> None:
    target = open_other()
    fill(target)
    target.import_state(backend.export_state(), force=True)
    assert target.export_state() == backend.export_state()
    assert target.record(change("create", LILAS, LILAS_AT)) == 1


# ---------------------------------------------------------------------------------------------------
# SQLite only: the file


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A permissive umask, to show the modes come from balprov and not from the user's umask."""
    previous = os.umask(0)
    yield
    os.umask(previous)


@pytest.mark.usefixtures("open_umask")
def test_the_state_file_its_wal_and_shm_are_private(tmp_path: Path) -> None:
    path = tmp_path / "project" / ".balprov" / "state.db"
    (tmp_path / "project").mkdir(mode=0o755)
    with SqliteState(path) as state:
        state.record(change("create", LILAS, LILAS_AT))
        wal, shm = path.with_name("state.db-wal"), path.with_name("state.db-shm")
        assert wal.exists() and shm.exists()
        assert (mode(path), mode(wal), mode(shm)) == (0o600, 0o600, 0o600)
        assert mode(path.parent) == 0o700
    assert mode(tmp_path / "project") == 0o755  # a folder balprov did not create keeps its mode
    assert (path.parent / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert not (tmp_path / "project" / ".gitignore").exists()


@pytest.mark.usefixtures("open_umask")
def test_missing_parent_folders_are_created_private(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "state.db"
    SqliteState(path).close()
    assert mode(tmp_path / "a") == mode(tmp_path / "a" / "b") == 0o700
    assert mode(path) == 0o600


def test_the_journal_refuses_edits_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with SqliteState(path) as state:
        state.record(change("create", LILAS, LILAS_AT))
    with sqlite3.connect(path) as db, pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("update journal set actor = 'mallory'")
    with sqlite3.connect(path) as db, pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("delete from journal")


def test_the_serial_is_readable_in_the_meta_table(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with SqliteState(path) as state:
        state.record(change("create", LILAS, LILAS_AT))
    with sqlite3.connect(path) as db:
        assert db.execute("select value from meta where key = 'serial'").fetchone() == (1,)
        assert db.execute("select value from meta where key = 'schema_version'").fetchone() == (1,)


def test_a_state_of_a_newer_schema_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    SqliteState(path).close()
    with sqlite3.connect(path) as db:
        db.execute("update meta set value = 2 where key = 'schema_version'")
    with pytest.raises(BalprovError, match=r"schema version 2, written by a newer balprov") as refused:
        SqliteState(path, display=".balprov/state.db")
    assert ".balprov/state.db" in str(refused.value)


@pytest.mark.parametrize(
    "content",
    [b"this is not a database\n" * 200, b"SQLite format 3\x00" + b"\xff" * 5000],
    ids=["text", "damaged-header"],
)
def test_a_file_that_is_not_a_database_is_refused_naming_it(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "state.db"
    path.write_bytes(content)
    with pytest.raises(BalprovError, match=r"^\.balprov/state\.db: ") as refused:
        SqliteState(path, display=".balprov/state.db").snapshot()
    assert "Traceback" not in str(refused.value)


def test_a_damaged_database_is_refused_naming_it(tmp_path: Path) -> None:
    good = tmp_path / "good.db"
    with SqliteState(good) as state:
        for index in range(100):
            state.record(change("create", f"c{index}", f"c{index}@demo.mssante.fr", usage="é" * 500))
    data = bytearray(good.read_bytes())
    data[8192 : 8192 * 4] = b"\x5a" * (8192 * 3)
    for name, content in {"garbled.db": bytes(data), "truncated.db": good.read_bytes()[:6000]}.items():
        (tmp_path / name).write_bytes(content)
        with (
            pytest.raises(BalprovError, match=f"^{name}: not a usable balprov state database"),
            SqliteState(tmp_path / name, display=name) as state,
        ):
            state.snapshot()
            state.history()


def test_another_sqlite_database_is_not_taken_for_a_state(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("create table mailboxes (address text)")
    with pytest.raises(BalprovError, match="not a balprov state"):
        SqliteState(path)
    with sqlite3.connect(path) as db:
        assert db.execute("select name from sqlite_master where type = 'table'").fetchall() == [("mailboxes",)]


def test_a_state_folder_that_cannot_be_created_is_reported(tmp_path: Path) -> None:
    (tmp_path / "blocker").write_text("a file where the folder should be", encoding="utf-8")
    with pytest.raises(BalprovError, match="cannot create"):
        SqliteState(tmp_path / "blocker" / "state.db", display="blocker/state.db")


# ---------------------------------------------------------------------------------------------------
# open_state


def project(root: Path, backend: str = "sqlite", state_path: Path | None = None) -> Project:
    return Project(
        root=root,
        config_path=root / "balprov.yaml",
        operators={"demo": Operator("demo", "demo.mssante.fr")},
        cabinets_dir=root / "cabinets",
        state_backend=backend,
        state_path=state_path,
    )


def test_open_state_opens_the_sqlite_file_of_the_project(tmp_path: Path) -> None:
    with open_state(project(tmp_path, state_path=tmp_path / "states" / "main.db")) as state:
        assert isinstance(state, SqliteState) and state.snapshot().serial == 0
    assert (tmp_path / "states" / "main.db").is_file()
    with open_state(project(tmp_path)) as state:  # no path: the default
        assert isinstance(state, SqliteState)
    assert (tmp_path / ".balprov" / "state.db").is_file()


def test_messages_name_the_state_file_relative_to_the_project(tmp_path: Path) -> None:
    (tmp_path / ".balprov").mkdir()
    (tmp_path / ".balprov" / "state.db").write_bytes(b"garbage" * 100)
    with pytest.raises(BalprovError, match=r"^\.balprov/state\.db: "):
        open_state(project(tmp_path.resolve()))


def test_an_unknown_backend_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="state backend 'etcd' is not available"):
        open_state(project(tmp_path, backend="etcd"))
