"""What only the PostgreSQL state has: the DSN's password kept out of every message, versioned migrations,
advisory locks released by the server, force-unlock ending the holder's session, and the journal's guard
in the database. The contract shared with SQLite is in test_state_backend.py.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import psycopg
import pytest

from balprov.errors import BalprovError
from balprov.state import AppliedChange, StateLockedError
from balprov.state.dsn import mask_dsn, passwords, scrub
from balprov.state.postgres import Migration, PostgresState, migrate, shipped_migrations
from services.postgres import PASSWORD, PostgresServer, free_port

FAKE = "Fake-Pw-7c1e9b2d"  # the test server's password: recognisable in any output
assert FAKE == PASSWORD


def created(name: str, address: str | None = None) -> AppliedChange:
    return AppliedChange(
        name=name,
        address=address or f"{name}@demo.mssante.fr",
        action="create",
        definition={"name": name},
        digest="sha256:0",
        provider_ids={},
        accountable=None,
        actor="t",
        host="h",
        git_commit=None,
        plan_id="p",
    )


# ---------------------------------------------------------------------------------------------------
# The DSN's password (no server needed)


@pytest.mark.parametrize(
    ("dsn", "masked"),
    [
        (f"postgresql://balprov:{FAKE}@db.example:5432/state", "postgresql://balprov:***@db.example:5432/state"),
        (f"postgres://balprov:{FAKE}@db/state?sslmode=require", "postgres://balprov:***@db/state?sslmode=require"),
        ("postgresql://balprov:p%40ss%2Fw0rd@db/state", "postgresql://balprov:***@db/state"),
        (f"postgresql://a:{FAKE}@with@at@db/state", "postgresql://a:***@db/state"),
        (
            f"postgresql://balprov@db/state?password={FAKE}&sslmode=require",
            "postgresql://balprov@db/state?password=***&sslmode=require",
        ),
        (f"host=db user=balprov password={FAKE} dbname=state", "host=db user=balprov password=*** dbname=state"),
        (f"host=db password = '{FAKE} with \\' quote' dbname=state", "host=db password = *** dbname=state"),
        (f"postgresq://balprov:{FAKE}@db/state", "postgresq://balprov:***@db/state"),  # a typo'd scheme too
        ("postgresql://balprov@db/state", "postgresql://balprov@db/state"),
        ("postgresql:///state?host=/run/postgresql", "postgresql:///state?host=/run/postgresql"),
    ],
)
def test_mask_dsn_hides_the_password_in_every_form(dsn: str, masked: str) -> None:
    assert mask_dsn(dsn) == masked
    assert FAKE not in mask_dsn(dsn)


def test_scrub_removes_the_password_raw_and_decoded_from_any_text() -> None:
    dsn = "postgresql://balprov:Fake%2DPw%407c1e@db/state"
    assert set(passwords(dsn)) == {"Fake%2DPw%407c1e", "Fake-Pw@7c1e"}
    text = f'missing "=" after "{dsn}" in connection info string; password Fake-Pw@7c1e rejected'
    cleaned = scrub(text, dsn)
    assert "Fake" not in cleaned and "postgresql://balprov:***@db/state" in cleaned


# ---------------------------------------------------------------------------------------------------
# Error paths: never the password, always the masked DSN


def assert_masked(error: BaseException, dsn: str) -> str:
    message = str(error)
    assert FAKE not in message, message
    assert mask_dsn(dsn) in message, message
    assert "Traceback" not in message
    return message


def test_a_wrong_password_is_reported_without_it(postgres_server: PostgresServer, postgres_database: str) -> None:
    dsn = postgres_server.dsn(postgres_database, password=FAKE + "-wrong")
    with pytest.raises(BalprovError) as refused:
        PostgresState(dsn)
    message = assert_masked(refused.value, dsn)
    assert "password authentication failed" in message and "cannot connect" in message


def test_a_refused_connection_is_reported_without_the_password() -> None:
    dsn = f"postgresql://balprov:{FAKE}@127.0.0.1:{free_port()}/state"
    with pytest.raises(BalprovError) as refused:
        PostgresState(dsn)
    assert "Connection refused" in assert_masked(refused.value, dsn)


def test_an_unknown_host_is_reported_without_the_password() -> None:
    dsn = f"postgresql://balprov:{FAKE}@no-such-host.invalid:5432/state?connect_timeout=3"
    with pytest.raises(BalprovError) as refused:
        PostgresState(dsn)
    assert "no-such-host.invalid" in assert_masked(refused.value, dsn)


@pytest.mark.parametrize(
    "dsn",
    [
        f"postgresq://balprov:{FAKE}@db/state",  # libpq echoes what it cannot parse
        f"host=db password={FAKE} nonsense",
        f"postgresql://balprov:{FAKE}@db/state?no_such_option=1",
    ],
)
def test_a_malformed_dsn_is_reported_without_the_password(dsn: str) -> None:
    with pytest.raises(BalprovError) as refused:
        PostgresState(dsn)
    assert "not a valid PostgreSQL DSN" in assert_masked(refused.value, dsn)


def test_a_connection_lost_mid_session_is_a_clear_error(postgres_server: PostgresServer, postgres_dsn: str) -> None:
    state = PostgresState(postgres_dsn)
    with postgres_server.admin() as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
            "WHERE application_name = 'balprov' AND datname = %s",
            (postgres_dsn.rsplit("/", 1)[1],),
        )
    with pytest.raises(BalprovError) as lost:
        state.record(created("a"))
    message = assert_masked(lost.value, postgres_dsn)
    assert "connection to the state database was lost while recording the create of a" in message
    state.close()
    assert PostgresState(postgres_dsn).snapshot().serial == 0  # nothing half-written


# ---------------------------------------------------------------------------------------------------
# Migrations and the schema version


EXTRA = Migration(2, "0002_test_extra.sql", "CREATE TABLE balprov_test_extra (id integer);")


def tables(server: PostgresServer, database: str) -> set[str]:
    with server.admin(database) as db:
        rows = db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
    return {str(row[0]) for row in rows}


def test_the_first_use_creates_the_tables_by_migration(postgres_server: PostgresServer, postgres_database: str) -> None:
    with postgres_server.admin(postgres_database) as db:
        db.execute("CREATE TABLE unrelated (id integer)")
    PostgresState(postgres_server.dsn(postgres_database)).close()
    assert tables(postgres_server, postgres_database) == {
        "unrelated",
        "balprov_schema_migrations",
        "balprov_meta",
        "balprov_mailboxes",
        "balprov_journal",
        "balprov_lock",
    }
    with postgres_server.admin(postgres_database) as db:
        applied = db.execute("SELECT version, name FROM balprov_schema_migrations").fetchall()
    assert applied == [(1, "0001_initial.sql")]
    assert [m.name for m in shipped_migrations()] == ["0001_initial.sql"]


def test_migrate_is_idempotent_and_says_from_and_to(postgres_dsn: str) -> None:
    first = migrate(postgres_dsn)
    assert (first.before, first.after, first.applied) == (0, 1, ["0001_initial.sql"])
    again = migrate(postgres_dsn)
    assert (again.before, again.after, again.applied) == (1, 1, [])


def test_an_older_schema_is_refused_until_migrated(postgres_dsn: str) -> None:
    PostgresState(postgres_dsn).record(created("a"))
    newer = [*shipped_migrations(), EXTRA]
    with pytest.raises(
        BalprovError, match=r"schema version 1; this balprov needs version 2\. Run `balprov state migrate`"
    ):
        PostgresState(postgres_dsn, migrations=newer)
    result = migrate(postgres_dsn, newer)
    assert (result.before, result.after, result.applied) == (1, 2, ["0002_test_extra.sql"])
    with PostgresState(postgres_dsn, migrations=newer) as state:
        assert state.snapshot().serial == 1  # the data survived the upgrade


def test_a_newer_schema_is_refused(postgres_dsn: str) -> None:
    migrate(postgres_dsn, [*shipped_migrations(), EXTRA])
    with pytest.raises(BalprovError, match="schema version 2, written by a newer balprov") as refused:
        PostgresState(postgres_dsn)
    assert_masked(refused.value, postgres_dsn)
    with pytest.raises(BalprovError, match="written by a newer balprov"):
        migrate(postgres_dsn)  # never downgrades


def test_balprov_tables_not_made_by_migrations_are_refused(
    postgres_server: PostgresServer, postgres_database: str
) -> None:
    with postgres_server.admin(postgres_database) as db:
        db.execute("CREATE TABLE balprov_meta (x integer); ALTER TABLE balprov_meta OWNER TO balprov")
    with pytest.raises(BalprovError, match="does not hold a usable balprov state"):
        PostgresState(postgres_server.dsn(postgres_database))
    assert tables(postgres_server, postgres_database) == {"balprov_meta"}


def test_concurrent_first_uses_create_one_state(postgres_dsn: str) -> None:
    lineages: list[str] = []
    failures: list[BaseException] = []

    def open_one() -> None:
        try:
            with PostgresState(postgres_dsn) as state:
                lineages.append(state.snapshot().lineage)
        except BaseException as error:  # reported below
            failures.append(error)

    threads = [threading.Thread(target=open_one) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [] and len(set(lineages)) == 1 and len(lineages) == 6


# ---------------------------------------------------------------------------------------------------
# In the database


def test_the_journal_refuses_edits_in_the_database(postgres_server: PostgresServer, postgres_database: str) -> None:
    with PostgresState(postgres_server.dsn(postgres_database)) as state:
        state.record(created("a"))
    with postgres_server.admin(postgres_database) as db:
        for statement in (
            "UPDATE balprov_journal SET actor = 'mallory'",
            "DELETE FROM balprov_journal",
            "TRUNCATE balprov_journal",
        ):
            with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="append-only"):
                db.execute(statement)
        assert db.execute("SELECT serial, lineage IS NOT NULL FROM balprov_meta").fetchone() == (1, True)


def test_the_serial_never_goes_back_under_concurrent_writers(postgres_dsn: str) -> None:
    PostgresState(postgres_dsn).close()
    serials: list[list[int]] = [[] for _ in range(4)]

    def write(worker: int) -> None:
        with PostgresState(postgres_dsn) as state:
            for index in range(40):
                serials[worker].append(state.record(created(f"w{worker}-{index}")))

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(mine == sorted(mine) for mine in serials)
    assert sorted(s for mine in serials for s in mine) == list(range(1, 161))


# ---------------------------------------------------------------------------------------------------
# The advisory lock


HOLD_ON_ANOTHER_HOST = """
import socket, sys, time
socket.gethostname = lambda: "ci-runner-7"
from balprov.state.postgres import PostgresState
backend = PostgresState(sys.argv[1])
backend.acquire_lock("apply", 0)
print("locked", flush=True)
time.sleep(600)
"""


def test_the_server_releases_the_lock_of_a_killed_client(postgres_dsn: str) -> None:
    # A holder on "another host": its pid means nothing here, only the server can tell it is gone.
    PostgresState(postgres_dsn).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(HOLD_ON_ANOTHER_HOST), postgres_dsn], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    with PostgresState(postgres_dsn) as state:
        with pytest.raises(StateLockedError, match=f"held by .*@ci-runner-7 \\(pid {holder.pid}\\) for apply"):
            state.acquire_lock("apply", 0)
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        taken = state.acquire_lock("apply", 10)
        assert taken.pid == os.getpid() and state.current_lock() == taken


def test_force_unlock_ends_the_holders_session_and_fences_it(
    postgres_server: PostgresServer, postgres_dsn: str
) -> None:
    holder, other = PostgresState(postgres_dsn), PostgresState(postgres_dsn)
    held = holder.acquire_lock("apply", 0)
    holder.record(created("a"))
    with postgres_server.admin() as admin:
        sessions = admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = 'balprov lock' AND datname = %s",
            (postgres_dsn.rsplit("/", 1)[1],),
        ).fetchall()
    assert len(sessions) == 1
    assert other.force_unlock(held.lock_id) == held
    with postgres_server.admin() as admin:
        assert admin.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (sessions[0][0],)).fetchone() == (
            0,
        )
    # the forced holder, still running, can record nothing more
    with pytest.raises(StateLockedError, match=f"state lock {held.lock_id} is no longer held by this process"):
        holder.record(created("b"))
    assert other.snapshot().serial == 1 and "b" not in other.snapshot().mailboxes
    holder.release_lock(held.lock_id)  # its lock session is gone: nothing to do, no error
    taken = other.acquire_lock("apply", 0)
    with pytest.raises(StateLockedError):
        holder.acquire_lock("apply", 0)
    holder.close()
    other.release_lock(taken.lock_id)
    other.close()


def test_a_lock_held_without_details_names_the_session(postgres_server: PostgresServer, postgres_dsn: str) -> None:
    state = PostgresState(postgres_dsn)
    with postgres_server.admin(postgres_dsn.rsplit("/", 1)[1]) as admin:
        (key,) = admin.execute("SELECT lock_key FROM balprov_meta").fetchone()  # type: ignore[misc]
        admin.execute("SELECT pg_advisory_lock(%s)", (key,))
        (backend,) = admin.execute("SELECT pg_backend_pid()").fetchone()  # type: ignore[misc]
        with pytest.raises(StateLockedError, match=f"backend pid {backend}, user postgres"):
            state.acquire_lock("apply", 0)
        assert state.current_lock() is None
    state.acquire_lock("apply", 5)  # the admin session ended: the server released its lock
    state.close()


def test_force_unlock_without_the_right_to_end_the_session_says_so(
    postgres_server: PostgresServer, postgres_database: str
) -> None:
    holder = PostgresState(postgres_server.dsn(postgres_database))
    held = holder.acquire_lock("apply", 0)
    with postgres_server.admin() as admin:
        admin.execute(f"CREATE ROLE other_user LOGIN PASSWORD '{FAKE}'")
    try:
        with postgres_server.admin(postgres_database) as admin:  # may use the tables, not end balprov's sessions
            admin.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO other_user")
        other_dsn = postgres_server.dsn(postgres_database).replace("balprov:", "other_user:", 1)
        with PostgresState(other_dsn) as other:
            with pytest.raises(BalprovError) as refused:
                other.force_unlock(held.lock_id)
            message = assert_masked(refused.value, other_dsn)
            assert "needs the holder's role, pg_signal_backend or a superuser" in message
            assert "SELECT pg_terminate_backend(" in message
            assert other.current_lock() == held  # nothing was removed
    finally:
        holder.close()
        with postgres_server.admin(postgres_database) as admin:
            admin.execute("DROP OWNED BY other_user")
        with postgres_server.admin() as admin:
            admin.execute("DROP ROLE other_user")


# ---------------------------------------------------------------------------------------------------
# The command line


def write_project(root: Path, dsn_line: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "cabinets").mkdir(exist_ok=True)
    (root / "balprov.yaml").write_text(
        "version: 1\noperators:\n  - id: demo\n    domain: demo.mssante.fr\n"
        f"state:\n  backend: postgres\n  {dsn_line}\n",
        encoding="utf-8",
    )
    return root


def balprov(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "balprov", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
        timeout=60,
        check=False,
    )


def test_state_migrate_on_the_command_line(
    postgres_server: PostgresServer, postgres_database: str, tmp_path: Path
) -> None:
    dsn = postgres_server.dsn(postgres_database, password="${BALPROV_TEST_PG_PASSWORD}")
    root = write_project(tmp_path, f"dsn: {dsn}")
    env = {"BALPROV_TEST_PG_PASSWORD": FAKE}
    first = balprov(root, "state", "migrate", env=env)
    assert first.returncode == 0, first.stderr
    assert "state schema migrated from version 0 to 1 (0001_initial.sql)" in first.stdout
    again = balprov(root, "state", "migrate", env=env)
    assert again.returncode == 0 and "state schema at version 1, nothing to migrate" in again.stdout
    for result in (first, again):
        assert FAKE not in result.stdout + result.stderr
        assert "postgresql://balprov:***@127.0.0.1:" in result.stdout


@pytest.mark.parametrize(
    ("dsn", "expected"),
    [
        ("postgresql://balprov:{password}@127.0.0.1:{port}/state", "Connection refused"),
        ("postgresql://balprov:{password}@no-such-host.invalid/state?connect_timeout=3", "no-such-host.invalid"),
        ("postgresq://balprov:{password}@127.0.0.1/state", "not a valid PostgreSQL DSN"),
    ],
)
def test_connection_errors_on_the_command_line_never_show_the_password(tmp_path: Path, dsn: str, expected: str) -> None:
    root = write_project(tmp_path, "dsn: " + dsn.format(password="${PGPW}", port=free_port()))
    for args in (("state", "list"), ("plan",), ("apply", "--auto-approve"), ("state", "migrate")):
        result = balprov(root, *args, env={"PGPW": FAKE})
        assert result.returncode == 1, (args, result.stderr)
        assert expected in result.stderr and "balprov:***@" in result.stderr
        assert FAKE not in result.stdout + result.stderr and "Traceback" not in result.stderr


def test_a_wrong_password_on_the_command_line(
    postgres_server: PostgresServer, postgres_database: str, tmp_path: Path
) -> None:
    root = write_project(tmp_path, "dsn: " + postgres_server.dsn(postgres_database, password="${PGPW}"))
    result = balprov(root, "state", "list", env={"PGPW": FAKE + "-wrong"})
    assert result.returncode == 1 and "password authentication failed" in result.stderr
    assert FAKE not in result.stderr


def test_a_missing_dsn_variable_is_a_config_error(tmp_path: Path) -> None:
    root = write_project(tmp_path, "dsn: postgresql://balprov:${BALPROV_NOT_SET_ANYWHERE}@db/state")
    result = balprov(root, "state", "list")
    assert result.returncode == 2
    assert "balprov.yaml:7:8: environment variable BALPROV_NOT_SET_ANYWHERE is not set" in result.stderr


def test_a_postgres_backend_without_a_dsn_is_a_config_error(tmp_path: Path) -> None:
    root = write_project(tmp_path, "# no dsn")
    result = balprov(root, "state", "list")
    assert result.returncode == 2 and "state backend postgres needs `state.dsn`" in result.stderr


# ---------------------------------------------------------------------------------------------------
# The test server itself: skipped where it cannot start, never in CI


@pytest.mark.parametrize(("ci", "outcome"), [("", pytest.skip.Exception), ("true", pytest.fail.Exception)])
def test_no_server_skips_with_how_to_enable_it_but_fails_in_ci(
    monkeypatch: pytest.MonkeyPatch, ci: str, outcome: type[BaseException]
) -> None:
    import services.postgres as service

    def cannot_start() -> PostgresServer:
        raise service.PostgresUnavailable("initdb and postgres were not found")

    monkeypatch.setattr(service, "_shared", None)
    monkeypatch.setattr(service, "_failure", None)
    monkeypatch.setattr(service, "start", cannot_start)
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome) as stopped:
        service.shared_server()
    message = str(stopped.value)
    assert "initdb and postgres were not found" in message and "BALPROV_TEST_PG_BIN" in message
    assert ("CI=true: never skipped" in message) == (ci == "true")
