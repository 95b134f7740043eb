"""The shared state on a PostgreSQL server: `state: {backend: postgres, dsn: postgresql://...}`.

The same model as the SQLite state (meta with lineage and serial, mailboxes, an append-only journal, the
lock's holder) in tables prefixed `balprov_`, created and upgraded by the numbered SQL files of
`migrations/postgres/` (`balprov state migrate`). An empty database is initialized on first use; a state
of an older schema is refused until `balprov state migrate` upgrades it (an explicit step, as other
machines may still run the older balprov), and one of a newer schema is refused outright.

Writes. `record` is one SQL statement, so one transaction: it raises the serial on the meta row (a row
lock, so concurrent writers queue and the serial never goes back or repeats), then upserts or deletes the
mailbox and appends the journal entry. A process killed or a connection dropped at any moment leaves the
change wholly recorded or not at all.

The lock. `acquire_lock` takes `pg_try_advisory_lock(lock_key)` on a session of its own, polled until
`--lock-timeout`, and writes who holds it (user, host, pid, operation, since, backend pid) in
`balprov_lock`, so a refusal names the holder. The server releases an advisory lock when its session ends,
so a killed client's lock goes with it (a lock left by a dead process of this host whose session the
server has not yet closed is taken over by ending that session). `force-unlock LOCK_ID` ends the holder's
lock session with `pg_terminate_backend` and removes the row. While it holds the lock, each `record`
checks, in its own statement, that the lock row is still its own: a process whose lock was forced away or
taken over stops recording instead of writing behind the new holder's back.

The DSN's password never appears in a message: errors go through `balprov.state.dsn.scrub`.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict

from balprov.errors import BalprovError
from balprov.i18n import _
from balprov.state.base import (
    AppliedChange,
    JournalEntry,
    LockInfo,
    StateBackend,
    StateExport,
    StateLockedError,
    StateSnapshot,
)
from balprov.state.dsn import mask_dsn, scrub
from balprov.state.rows import (
    JOURNAL_COLUMNS,
    MAILBOX_COLUMNS,
    dumps,
    journal_entry,
    journal_row,
    mailbox_record,
    mailbox_row,
)
from balprov.state.sqlite import ACTIONS, KIND, current_user, no_such_lock, not_empty, pid_alive, utc_now

Connection = psycopg.Connection[tuple[Any, ...]]

APPLICATION_NAME = "balprov"
LOCK_APPLICATION_NAME = "balprov lock"
CONNECT_TIMEOUT_S = 10
LOCK_POLL_S = 0.1
TERMINATE_WAIT_MS = 5000
# pg_advisory_xact_lock key serializing migrations of any balprov state in a database ("balprov-migrate")
MIGRATION_LOCK_KEY = 0x62616C70726F76
# keepalives on the lock session, so the server notices a vanished client (a host crash) within minutes
_SESSION_KEEPALIVES = "SET tcp_keepalives_idle = 60; SET tcp_keepalives_interval = 10; SET tcp_keepalives_count = 6"

_MIGRATION_FILE = re.compile(r"(?P<version>\d{4})_(?P<name>[a-z0-9_]+)\.sql\Z")


def _ts(column: str) -> str:
    """A timestamptz column as the state's text form: ISO 8601, UTC, to the second, with a Z."""
    return f"""to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"""


_MAILBOX_SELECT = (
    "b.name, b.address, b.definition, b.digest, b.provider_ids, "
    f"{_ts('b.applied_at')}, b.applied_by, b.applied_host, b.git_commit"
)
_JOURNAL_SELECT = (
    f"id, serial, {_ts('at')}, name, address, action, accountable, actor, host, git_commit, plan_id, attributes"
)
_LOCK_SELECT = f"lock_id, who, host, pid, operation, {_ts('since')}, backend_pid"
_LOCK_COLUMNS = "lock_id, who, host, pid, operation, since, backend_pid"
_HOLDER = (
    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1 "
    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
    "AND classid::bigint = %(high)s AND objid::bigint = %(low)s"
)
# Raise the serial first (the meta row lock orders concurrent writers), then the mailbox, then the journal.
# While a lock is held (%(lock)s not null), only if the lock row is still ours.
_RAISE_SERIAL = (
    "UPDATE balprov_meta SET serial = serial + 1 WHERE id = 1 AND (%(lock)s::text IS NULL OR EXISTS "
    "(SELECT 1 FROM balprov_lock WHERE id = 1 AND lock_id = %(lock)s::text FOR SHARE)) RETURNING serial"
)
_JOURNAL_APPEND = (
    "INSERT INTO balprov_journal (serial, at, name, address, action, accountable, actor, host, git_commit, "
    "plan_id, attributes) SELECT s.serial, %(at)s::timestamptz, %(name)s, %(address)s, %(action)s, "
    "%(accountable)s, %(actor)s, %(host)s, %(git_commit)s, %(plan_id)s, %(attributes)s::jsonb FROM s "
    "RETURNING serial"
)
_RECORD_UPSERT = (
    f"WITH s AS ({_RAISE_SERIAL}), "
    f"m AS (INSERT INTO balprov_mailboxes ({MAILBOX_COLUMNS}) "
    "SELECT %(name)s, %(address)s, %(definition)s::jsonb, %(digest)s, %(provider_ids)s::jsonb, "
    "%(at)s::timestamptz, %(actor)s, %(host)s, %(git_commit)s FROM s "
    "ON CONFLICT (name) DO UPDATE SET address = excluded.address, definition = excluded.definition, "
    "digest = excluded.digest, provider_ids = excluded.provider_ids, applied_at = excluded.applied_at, "
    "applied_by = excluded.applied_by, applied_host = excluded.applied_host, git_commit = excluded.git_commit) "
    f"{_JOURNAL_APPEND}"
)
_RECORD_DELETE = (
    f"WITH s AS ({_RAISE_SERIAL}), "
    "m AS (DELETE FROM balprov_mailboxes WHERE name = %(name)s AND EXISTS (SELECT 1 FROM s)) "
    f"{_JOURNAL_APPEND}"
)


# ---------------------------------------------------------------------------------------------------
# Migrations


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str  # the file name, 0001_initial.sql
    sql: str


@dataclass(frozen=True, slots=True)
class MigrationResult:
    before: int  # schema version found (0: an empty database)
    after: int
    applied: list[str]  # the migrations run, in order


@cache
def shipped_migrations() -> tuple[Migration, ...]:
    """The numbered SQL files of `migrations/postgres/`, in order (shipped in the package)."""
    folder = resources.files("balprov.state").joinpath("migrations", "postgres")
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_FILE.match(entry.name)
        if match is not None:
            found.append(Migration(int(match["version"]), entry.name, entry.read_text(encoding="utf-8")))
    return check_migrations(found)


def check_migrations(migrations: Sequence[Migration]) -> tuple[Migration, ...]:
    ordered = tuple(sorted(migrations, key=lambda m: m.version))
    if [m.version for m in ordered] != list(range(1, len(ordered) + 1)):
        raise AssertionError(f"the PostgreSQL state migrations are not numbered 1..n: {[m.name for m in ordered]}")
    return ordered


def migrate(dsn: str, migrations: Sequence[Migration] | None = None, display: str | None = None) -> MigrationResult:
    """Bring the database's state schema to the latest version; idempotent, safe to run concurrently."""
    known = check_migrations(migrations) if migrations is not None else shipped_migrations()
    shown = display if display is not None else mask_dsn(dsn)
    db = _connect(dsn, shown, APPLICATION_NAME)
    try:
        with _guard(dsn, shown, _("migrating the state schema"), db), db.transaction():
            return _migrate(db, known, shown)
    finally:
        db.close()


def _migrate(db: Connection, known: Sequence[Migration], display: str) -> MigrationResult:
    db.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK_KEY,))
    before = _schema_version(db)
    if before is None:
        if _has_balprov_tables(db):
            raise BalprovError(_not_a_state(display, _("balprov_ tables without balprov_schema_migrations")))
        db.execute(
            "CREATE TABLE balprov_schema_migrations (version integer PRIMARY KEY, name text NOT NULL, "
            "applied_at timestamptz NOT NULL DEFAULT now())"
        )
        before = 0
    latest = known[-1].version if known else 0
    if before > latest:
        raise BalprovError(_newer(display, before, latest))
    applied = []
    for migration in known:
        if migration.version > before:
            db.execute(migration.sql.encode("utf-8"))
            db.execute(
                "INSERT INTO balprov_schema_migrations (version, name) VALUES (%s, %s)",
                (migration.version, migration.name),
            )
            applied.append(migration.name)
    return MigrationResult(before=before, after=max(before, latest), applied=applied)


def _schema_version(db: Connection) -> int | None:
    """The state schema's version: None without balprov_schema_migrations, 0 when it is empty."""
    # pg_tables, not to_regclass: right after waiting for the migrations' lock, the catalog cache may not
    # yet show a table another session has just created
    row = db.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = current_schema() "
        "AND tablename = 'balprov_schema_migrations')"
    ).fetchone()
    if row is None or not row[0]:
        return None
    found = db.execute("SELECT coalesce(max(version), 0) FROM balprov_schema_migrations").fetchone()
    return int(found[0]) if found is not None else 0


def _has_balprov_tables(db: Connection) -> bool:
    row = db.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'balprov\\_%')"
    ).fetchone()
    return bool(row and row[0])


def _newer(display: str, found: int, known: int) -> str:
    return _(
        "{state}: the state has schema version {found}, written by a newer balprov; this balprov knows schema "
        "version {known} at most. Upgrade balprov to use this state."
    ).format(state=display, found=found, known=known)


def _not_a_state(display: str, why: str) -> str:
    return _("{state}: this database does not hold a usable balprov state ({why})").format(state=display, why=why)


# ---------------------------------------------------------------------------------------------------
# Connections and errors


def _connect(dsn: str, display: str, application: str) -> Connection:
    try:
        settings = conninfo_to_dict(dsn)
    except psycopg.Error as error:
        raise BalprovError(
            _("{state}: not a valid PostgreSQL DSN: {reason}").format(state=display, reason=_message(error, dsn))
        ) from None
    extra: dict[str, Any] = {}
    if "connect_timeout" not in settings:
        extra["connect_timeout"] = CONNECT_TIMEOUT_S
    if "application_name" not in settings:
        extra["application_name"] = application
    try:
        return psycopg.connect(dsn, autocommit=True, **extra)
    except psycopg.Error as error:
        raise BalprovError(
            _("{state}: cannot connect to the state database: {reason}").format(
                state=display, reason=_message(error, dsn)
            )
        ) from None


def _message(error: BaseException, dsn: str) -> str:
    """The driver's message on one line, without any trace of the DSN's password."""
    return scrub(" ".join(str(error).split()), dsn) or type(error).__name__


def _describe(error: psycopg.Error, dsn: str, display: str, doing: str, db: Connection | None) -> BalprovError:
    # `doing` comes translated ("reading the state"); a translation may carry its own preposition
    # ("lors de la lecture de l'état"), which is why "while" sits in these messages and not in `doing`
    text = _message(error, dsn)
    if isinstance(error, pg_errors.InsufficientPrivilege):
        return BalprovError(
            _(
                "{state}: permission denied while {doing}: {reason} (the DSN's user needs SELECT, INSERT, UPDATE "
                "and DELETE on the balprov_ tables; `balprov state migrate` also needs CREATE on the schema)"
            ).format(state=display, doing=doing, reason=text)
        )
    if isinstance(error, pg_errors.UndefinedTable | pg_errors.UndefinedColumn | pg_errors.UndefinedFunction):
        return BalprovError(_not_a_state(display, text))
    if isinstance(error, psycopg.OperationalError) or (db is not None and (db.closed or db.broken)):
        return BalprovError(
            _("{state}: the connection to the state database was lost while {doing}: {reason}").format(
                state=display, doing=doing, reason=text
            )
        )
    return BalprovError(
        _("{state}: state database error while {doing}: {reason}").format(state=display, doing=doing, reason=text)
    )


@contextlib.contextmanager
def _guard(dsn: str, display: str, doing: str, db: Connection | None = None) -> Iterator[None]:
    try:
        yield
    except psycopg.Error as error:
        raise _describe(error, dsn, display, doing, db) from None


def _split(key: int) -> dict[str, int]:
    """A bigint advisory lock key as pg_locks shows it: high half in classid, low half in objid."""
    unsigned = key & 0xFFFF_FFFF_FFFF_FFFF
    return {"high": unsigned >> 32, "low": unsigned & 0xFFFF_FFFF}


# ---------------------------------------------------------------------------------------------------
# The backend


class PostgresState(StateBackend):
    """The state in the database `dsn` names; an empty database is initialized (new lineage, serial 0)."""

    def __init__(self, dsn: str, *, display: str | None = None, migrations: Sequence[Migration] | None = None) -> None:
        self.dsn = dsn
        self.display = display if display is not None else mask_dsn(dsn)
        self._migrations = check_migrations(migrations) if migrations is not None else shipped_migrations()
        self._lock_db: Connection | None = None
        self._held: LockInfo | None = None
        self._db = _connect(dsn, self.display, APPLICATION_NAME)
        try:
            self._lock_key = self._initialize()
        except BaseException:
            self._db.close()
            raise

    # -- opening -----------------------------------------------------------------------------------

    def _initialize(self) -> int:
        latest = self._migrations[-1].version
        with self._guard(_("opening the state")):
            version = _schema_version(self._db)
            if not version:
                # first use of an empty database: create the state (under the migrations' lock, which also
                # refuses a database holding balprov_ tables that migrations did not create)
                with self._db.transaction():
                    _migrate(self._db, self._migrations, self.display)
                version = _schema_version(self._db) or 0
            if version > latest:
                raise BalprovError(_newer(self.display, version, latest))
            if version < latest:
                raise BalprovError(
                    _(
                        "{state}: the state has schema version {version}; this balprov needs version {latest}. "
                        "Run `balprov state migrate` once to upgrade it (older balprov versions will then refuse it)."
                    ).format(state=self.display, version=version, latest=latest)
                )
            row = self._db.execute("SELECT kind, lock_key FROM balprov_meta WHERE id = 1").fetchone()
        if row is None or row[0] != KIND:
            raise BalprovError(_not_a_state(self.display, _("no balprov_meta row")))
        return int(row[1])

    def _guard(self, doing: str, db: Connection | None = None) -> contextlib.AbstractContextManager[None]:
        return _guard(self.dsn, self.display, doing, db if db is not None else self._db)

    # -- reading -----------------------------------------------------------------------------------

    def snapshot(self) -> StateSnapshot:
        with self._guard(_("reading the state")):
            # one statement: one consistent snapshot of the meta row and every mailbox
            rows = self._db.execute(
                f"SELECT m.lineage, m.serial, {_MAILBOX_SELECT} FROM balprov_meta m "
                "LEFT JOIN balprov_mailboxes b ON true WHERE m.id = 1 ORDER BY b.name"
            ).fetchall()
        if not rows:
            raise BalprovError(_not_a_state(self.display, _("no balprov_meta row")))
        mailboxes = {row[2]: mailbox_record(row[2:], _decoded) for row in rows if row[2] is not None}
        return StateSnapshot(lineage=str(rows[0][0]), serial=int(rows[0][1]), mailboxes=mailboxes)

    def history(self, name: str | None = None) -> list[JournalEntry]:
        with self._guard(_("reading the journal")):
            if name is None:
                rows = self._db.execute(f"SELECT {_JOURNAL_SELECT} FROM balprov_journal ORDER BY id").fetchall()
            else:
                rows = self._db.execute(
                    f"SELECT {_JOURNAL_SELECT} FROM balprov_journal WHERE name = %s ORDER BY id", (name,)
                ).fetchall()
        return [journal_entry(row, _decoded) for row in rows]

    def entries_for_plan(self, plan_id: str) -> list[JournalEntry]:
        with self._guard(_("reading the journal")):
            rows = self._db.execute(
                f"SELECT {_JOURNAL_SELECT} FROM balprov_journal WHERE plan_id = %s ORDER BY id", (plan_id,)
            ).fetchall()
        return [journal_entry(row, _decoded) for row in rows]

    # -- writing -----------------------------------------------------------------------------------

    def record(self, change: AppliedChange) -> int:
        if change.action not in ACTIONS:
            raise AssertionError(f"cannot record action {change.action!r}: one of {', '.join(ACTIONS)}")  # a bug
        if change.action != "delete" and (change.definition is None or change.digest is None):
            raise AssertionError(f"a {change.action} of {change.name} needs its definition and digest")  # a bug
        params = {
            "lock": self._held.lock_id if self._held is not None else None,
            "at": utc_now(),
            "name": change.name,
            "address": change.address,
            "action": change.action,
            "definition": dumps(change.definition),
            "digest": change.digest,
            "provider_ids": dumps(change.provider_ids),
            "accountable": change.accountable,
            "actor": change.actor,
            "host": change.host,
            "git_commit": change.git_commit,
            "plan_id": change.plan_id,
            "attributes": dumps(change.attributes),
        }
        doing = _("recording the {action} of {name} (applied at the operator; run apply again to converge)").format(
            action=change.action, name=change.name
        )
        try:
            row = self._db.execute(_RECORD_DELETE if change.action == "delete" else _RECORD_UPSERT, params).fetchone()
        except pg_errors.UniqueViolation as error:
            holder = self._address_holder(change.address)
            if holder is not None and holder != change.name:
                raise BalprovError(
                    _(
                        "{path}: cannot record the {action} of {name}: its address {address} is recorded for "
                        "mailbox {holder}"
                    ).format(
                        path=self.display, action=change.action, name=change.name, address=change.address, holder=holder
                    )
                ) from None
            raise _describe(error, self.dsn, self.display, doing, self._db) from None
        except psycopg.Error as error:
            raise _describe(error, self.dsn, self.display, doing, self._db) from None
        if row is None:  # the serial was not raised: our lock row is gone
            raise StateLockedError(
                _(
                    "{state}: the state lock {lock_id} is no longer held by this process (removed with "
                    "`balprov force-unlock`, or taken over); the {action} of {name} was applied at the "
                    "operator but not recorded, and nothing more is. Run apply again to converge."
                ).format(state=self.display, lock_id=params["lock"], action=change.action, name=change.name)
            )
        return int(row[0])

    def _address_holder(self, address: str) -> str | None:
        try:
            row = self._db.execute("SELECT name FROM balprov_mailboxes WHERE address = %s", (address,)).fetchone()
        except psycopg.Error:
            return None
        return None if row is None else str(row[0])

    # -- the lock ----------------------------------------------------------------------------------

    def _lock_session(self) -> Connection:
        """The dedicated session holding the advisory lock, (re)opened when needed."""
        if self._lock_db is None or self._lock_db.closed or self._lock_db.broken:
            if self._lock_db is not None:
                self._lock_db.close()
            self._lock_db = _connect(self.dsn, self.display, LOCK_APPLICATION_NAME)
            with contextlib.suppress(psycopg.Error):  # refused on some managed servers: only a nicety
                self._lock_db.execute(_SESSION_KEEPALIVES)
        return self._lock_db

    def _try_lock(self, mine: LockInfo) -> bool:
        for attempt in (1, 2):  # a session found dead (its server side ended) is replaced once
            session = self._lock_session()
            try:
                row = session.execute("SELECT pg_try_advisory_lock(%s)", (self._lock_key,)).fetchone()
            except psycopg.OperationalError:
                if attempt == 2 or not (session.closed or session.broken):
                    raise
                continue
            if row is None or not row[0]:
                return False
            try:
                session.execute(
                    f"INSERT INTO balprov_lock (id, {_LOCK_COLUMNS}) "
                    "VALUES (1, %s, %s, %s, %s, %s, %s::timestamptz, pg_backend_pid()) "
                    "ON CONFLICT (id) DO UPDATE SET lock_id = excluded.lock_id, who = excluded.who, "
                    "host = excluded.host, pid = excluded.pid, operation = excluded.operation, "
                    "since = excluded.since, backend_pid = excluded.backend_pid",
                    (mine.lock_id, mine.who, mine.host, mine.pid, mine.operation, mine.since),
                )
            except BaseException:
                with contextlib.suppress(psycopg.Error):
                    session.execute("SELECT pg_advisory_unlock(%s)", (self._lock_key,))
                raise
            return True
        return False  # pragma: no cover - the loop returns or raises

    def _holder(self) -> tuple[LockInfo | None, int | None, int | None]:
        """(the lock row, its session's backend pid, the backend pid actually holding the advisory lock)."""
        found = self._db.execute(_HOLDER, _split(self._lock_key)).fetchone()
        holding = int(found[0]) if found is not None else None
        row = self._db.execute(f"SELECT {_LOCK_SELECT} FROM balprov_lock WHERE id = 1").fetchone()
        if row is None:
            return None, None, holding
        info = LockInfo(lock_id=row[0], who=row[1], host=row[2], pid=int(row[3]), operation=row[4], since=row[5])
        return info, int(row[6]), holding

    def _unidentified(self, backend: int) -> str:
        row = self._db.execute(
            "SELECT usename, application_name, coalesce(host(client_addr), 'local socket') "
            "FROM pg_stat_activity WHERE pid = %s",
            (backend,),
        ).fetchone()
        if row is None:
            return _("a session that left no lock details (backend pid {backend})").format(backend=backend)
        return _(
            "a session that left no lock details (backend pid {backend}, user {user}, application {application}, "
            "client {client})"
        ).format(backend=backend, user=row[0], application=repr(row[1]), client=row[2])

    def _terminate(self, backend: int) -> bool:
        """End the session `backend` if it still holds this state's advisory lock; True once it has ended."""
        row = self._db.execute(
            f"SELECT pg_terminate_backend(pid, {TERMINATE_WAIT_MS}) FROM ({_HOLDER}) AS holder WHERE pid = %(pid)s",
            {**_split(self._lock_key), "pid": backend},
        ).fetchone()
        return row is None or bool(row[0])

    def acquire_lock(self, operation: str, timeout: float) -> LockInfo:
        deadline = time.monotonic() + max(timeout, 0.0)
        mine = LockInfo(str(uuid.uuid4()), current_user(), socket.gethostname(), os.getpid(), operation, "")
        ended: set[int] = set()
        while True:
            with self._guard(_("taking the state lock")):
                if self._held is None:
                    mine = LockInfo(mine.lock_id, mine.who, mine.host, mine.pid, mine.operation, utc_now())
                    if self._try_lock(mine):
                        self._held = mine
                        return mine
                holder, backend, holding = self._holder()
                if self._held is not None:  # this process holds it already: a lock is not reentrant
                    holder, backend, holding = self._held, None, None
                elif (
                    holder is not None
                    and holding is not None
                    and backend == holding
                    and holder.host == mine.host
                    and not pid_alive(holder.pid)
                    and holding not in ended
                ):
                    # left by a process of this host that is gone, before the server closed its session: take it
                    ended.add(holding)
                    with contextlib.suppress(pg_errors.InsufficientPrivilege):
                        self._terminate(holding)
                    continue
                if self._held is None and (holding is None or backend != holding):
                    holder = None  # a stale row: the holder has not written its row yet, or has just released
                described = (
                    holder.describe()
                    if holder is not None
                    else self._unidentified(holding)
                    if holding is not None
                    else _("a session that just released it")
                )
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                remedy = (
                    _("remove the lock with `balprov force-unlock {lock_id}` (it ends the holder's database session)")
                    if holder is not None
                    else _("ask the database administrator to end that session")
                ).format(lock_id=holder.lock_id if holder is not None else "")
                locked = (
                    _(
                        "{state}: the state is locked after waiting {seconds} s: {holder}. Wait for it to finish "
                        "(--lock-timeout), or, if that process is gone for good, {remedy}."
                    )
                    if timeout > 0
                    else _(
                        "{state}: the state is locked: {holder}. Wait for it to finish (--lock-timeout), or, if that "
                        "process is gone for good, {remedy}."
                    )
                )
                raise StateLockedError(
                    locked.format(state=self.display, seconds=f"{timeout:g}", holder=described, remedy=remedy)
                )
            time.sleep(min(LOCK_POLL_S, remaining))

    def release_lock(self, lock_id: str) -> None:
        if self._held is not None and self._held.lock_id == lock_id:
            self._held = None
            session = self._lock_db
            if session is None:
                return
            try:
                session.execute("DELETE FROM balprov_lock WHERE id = 1 AND lock_id = %s", (lock_id,))
                session.execute("SELECT pg_advisory_unlock(%s)", (self._lock_key,))
            except psycopg.Error:
                # the session is gone (force-unlock ended it, or the connection dropped): the server released
                # the lock with it, and the row left behind is ignored as stale
                session.close()
            return
        with self._guard(_("releasing the state lock")):  # not ours: only a stale row of that id is removed
            self._db.execute(
                f"DELETE FROM balprov_lock WHERE id = 1 AND lock_id = %(lock)s AND backend_pid NOT IN ({_HOLDER})",
                {**_split(self._lock_key), "lock": lock_id},
            )

    def force_unlock(self, lock_id: str) -> LockInfo:
        with self._guard(_("removing the state lock")):
            with self._db.transaction():
                row = self._db.execute(f"SELECT {_LOCK_SELECT} FROM balprov_lock WHERE id = 1 FOR UPDATE").fetchone()
                found = self._db.execute(_HOLDER, _split(self._lock_key)).fetchone()
                holding = int(found[0]) if found is not None else None
                if row is not None and row[0] == lock_id:
                    holder = LockInfo(row[0], row[1], row[2], int(row[3]), row[4], row[5])
                    if holding is not None and holding == int(row[6]):
                        try:
                            ended = self._terminate(holding)
                        except pg_errors.InsufficientPrivilege:
                            raise BalprovError(
                                _(
                                    "{state}: cannot remove lock {lock_id}: ending its holder's database session "
                                    "(backend pid {backend}) needs the holder's role, pg_signal_backend or a "
                                    "superuser; ask the database administrator to run "
                                    "SELECT pg_terminate_backend({backend})"
                                ).format(state=self.display, lock_id=lock_id, backend=holding)
                            ) from None
                        if not ended:
                            raise BalprovError(
                                _(
                                    "{state}: cannot remove lock {lock_id}: its holder's database session (backend "
                                    "pid {backend}) did not end within {seconds} s; try again"
                                ).format(
                                    state=self.display,
                                    lock_id=lock_id,
                                    backend=holding,
                                    seconds=f"{TERMINATE_WAIT_MS / 1000:g}",
                                )
                            )
                    self._db.execute("DELETE FROM balprov_lock WHERE id = 1")
                    return holder
            current = self.current_lock()
        raise BalprovError(no_such_lock(lock_id, current))

    def current_lock(self) -> LockInfo | None:
        with self._guard(_("reading the state lock")):
            holder, backend, holding = self._holder()
        return holder if holder is not None and backend == holding else None

    # -- copying -----------------------------------------------------------------------------------

    def export_state(self) -> StateExport:
        with self._guard(_("reading the state")), self._read_only():
            meta = self._db.execute("SELECT lineage, serial FROM balprov_meta WHERE id = 1").fetchone()
            rows = self._db.execute(f"SELECT {_MAILBOX_SELECT} FROM balprov_mailboxes b ORDER BY b.name").fetchall()
            journal = self._db.execute(f"SELECT {_JOURNAL_SELECT} FROM balprov_journal ORDER BY id").fetchall()
        if meta is None:
            raise BalprovError(_not_a_state(self.display, _("no balprov_meta row")))
        return StateExport(
            lineage=str(meta[0]),
            serial=int(meta[1]),
            mailboxes=[mailbox_record(row, _decoded) for row in rows],
            journal=[journal_entry(row, _decoded) for row in journal],
        )

    @contextlib.contextmanager
    def _read_only(self) -> Iterator[None]:
        """A REPEATABLE READ, READ ONLY transaction: several statements, one snapshot."""
        self._db.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        self._db.read_only = True
        try:
            with self._db.transaction():
                yield
        finally:
            if not self._db.closed:
                self._db.isolation_level = None
                self._db.read_only = None

    def import_state(self, data: StateExport, *, force: bool = False) -> None:
        with self._guard(_("replacing the state")), self._db.transaction():
            lock = self._held.lock_id if self._held is not None else None
            row = self._db.execute(
                "SELECT serial, (SELECT count(*) FROM balprov_mailboxes), (SELECT count(*) FROM balprov_journal), "
                "%(lock)s::text IS NULL OR EXISTS (SELECT 1 FROM balprov_lock WHERE id = 1 "
                "AND lock_id = %(lock)s::text FOR SHARE) FROM balprov_meta WHERE id = 1 FOR UPDATE",
                {"lock": lock},
            ).fetchone()
            if row is None:
                raise BalprovError(_not_a_state(self.display, _("no balprov_meta row")))
            serial, mailboxes, entries, ours = int(row[0]), int(row[1]), int(row[2]), bool(row[3])
            if not ours:
                raise StateLockedError(
                    _("{state}: the state lock {lock_id} is no longer held by this process").format(
                        state=self.display, lock_id=lock
                    )
                )
            if (serial or mailboxes or entries) and not force:
                raise BalprovError(not_empty(self.display, serial, mailboxes, entries))
            # the journal is append-only: its guard is lifted for this transaction only
            self._db.execute("SELECT set_config('balprov.replace_journal', 'on', true)")
            self._db.execute("DELETE FROM balprov_journal")
            self._db.execute("DELETE FROM balprov_mailboxes")
            cursor = self._db.cursor()
            with cursor.copy(f"COPY balprov_mailboxes ({MAILBOX_COLUMNS}) FROM STDIN") as copy:
                for r in data.mailboxes:
                    copy.write_row(mailbox_row(r))
            with cursor.copy(f"COPY balprov_journal ({JOURNAL_COLUMNS}) FROM STDIN") as copy:
                for e in data.journal:
                    copy.write_row(journal_row(e))
            self._db.execute(
                "SELECT setval(pg_get_serial_sequence('balprov_journal', 'id'), coalesce(max(id), 0) + 1, false) "
                "FROM balprov_journal"
            )
            self._db.execute(
                "UPDATE balprov_meta SET lineage = %s, serial = %s WHERE id = 1", (data.lineage, data.serial)
            )

    # -- closing -----------------------------------------------------------------------------------

    def close(self) -> None:
        if self._held is not None:
            self.release_lock(self._held.lock_id)
        for db in (self._lock_db, self._db):
            if db is not None:
                with contextlib.suppress(psycopg.Error):
                    db.close()


# ---------------------------------------------------------------------------------------------------
# Rows


def _decoded(value: Any) -> Any:
    """jsonb columns arrive decoded."""
    return value
