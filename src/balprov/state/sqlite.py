"""The embedded state: one SQLite file (default `.balprov/state.db`), private to its owner.

The file holds personal data (names, RPPS numbers), so its folder is created 0700 and the file 0600
before SQLite opens it; SQLite gives its -wal and -shm files the database file's mode.

Journal mode WAL with synchronous=NORMAL: a commit costs no fsync, and a process killed at any moment
leaves the database consistent at its last commit (only a power loss may drop the latest commits, never
half of one). Every write is one `BEGIN IMMEDIATE` transaction, so concurrent writers queue on SQLite's
busy timeout instead of failing, and the mailbox row, its journal entry and the serial move together.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import socket
import sqlite3
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from balprov.errors import BalprovError
from balprov.i18n import N_, _
from balprov.state.base import (
    AppliedChange,
    JournalEntry,
    LockInfo,
    StateBackend,
    StateExport,
    StateLockedError,
    StateSnapshot,
)
from balprov.state.rows import (
    JOURNAL_COLUMNS,
    MAILBOX_COLUMNS,
    dumps,
    journal_entry,
    journal_row,
    mailbox_record,
    mailbox_row,
)

SCHEMA_VERSION = 1
KIND = "balprov-state"
BUSY_TIMEOUT_S = 5.0
LOCK_POLL_S = 0.1
ACTIONS = ("create", "update", "delete")
GITIGNORE = "# Created by balprov: the state and the local provider hold personal data. Never commit them.\n*\n"

_SCHEMA = """
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value NOT NULL
);
CREATE TABLE mailboxes (
    name         TEXT PRIMARY KEY,
    address      TEXT NOT NULL UNIQUE,
    definition   TEXT NOT NULL,
    digest       TEXT NOT NULL,
    provider_ids TEXT NOT NULL,
    applied_at   TEXT NOT NULL,
    applied_by   TEXT NOT NULL,
    applied_host TEXT NOT NULL,
    git_commit   TEXT
);
CREATE TABLE journal (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    serial      INTEGER NOT NULL,
    at          TEXT NOT NULL,
    name        TEXT NOT NULL,
    address     TEXT NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete')),
    accountable TEXT,
    actor       TEXT NOT NULL,
    host        TEXT NOT NULL,
    git_commit  TEXT,
    plan_id     TEXT,
    attributes  TEXT NOT NULL
);
CREATE INDEX journal_by_name ON journal (name, id);
CREATE INDEX journal_by_plan ON journal (plan_id, id);
CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TABLE lock (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    lock_id   TEXT NOT NULL,
    who       TEXT NOT NULL,
    host      TEXT NOT NULL,
    pid       INTEGER NOT NULL,
    operation TEXT NOT NULL,
    since     TEXT NOT NULL
);
"""

_LOCK_COLUMNS = "lock_id, who, host, pid, operation, since"


# ---------------------------------------------------------------------------------------------------
# Private SQLite files, shared with the local provider


def utc_now() -> str:
    """Now, UTC, ISO 8601 to the second with a Z: the timestamps of the state and the local provider."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def prepare_private_file(path: Path, display: str) -> None:
    """Create the missing folders (0700) and the file (0600, empty) before SQLite opens it.

    Existing folders and files keep their modes: a project root or a shared state folder is the
    user's to set. A folder balprov creates gets a `.gitignore` of `*`, so its personal data is not
    committed by accident (as pytest and mypy do for their caches)."""
    missing = [folder for folder in (path.parent, *path.parent.parents) if not folder.exists()]
    try:
        for folder in reversed(missing):
            with contextlib.suppress(FileExistsError):  # another process made it meanwhile
                folder.mkdir(mode=0o700)
                os.chmod(folder, 0o700)  # mkdir's mode is filtered by the umask
        if missing:
            with (
                contextlib.suppress(FileExistsError),
                open(path.parent / ".gitignore", "x", encoding="utf-8") as ignore,
            ):
                ignore.write(GITIGNORE)
        if not path.exists():
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                os.fchmod(fd, 0o600)
            finally:
                os.close(fd)
    except OSError as error:
        raise BalprovError(
            _("{path}: cannot create: {reason}").format(path=display, reason=error.strerror or error)
        ) from None


def connect_private(path: Path, display: str, what: str = N_("database")) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), WAL, synchronous=NORMAL.

    `what` names the file in messages ("state database"), marked with N_ and translated when shown."""
    prepare_private_file(path, display)
    try:
        connection = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error as error:
        raise BalprovError(_("{path}: cannot open: {reason}").format(path=display, reason=error)) from None
    try:
        connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        connection.execute("PRAGMA journal_mode = WAL").fetchone()
        connection.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.Error as error:
        connection.close()
        raise database_error(error, display, what) from None
    return connection


def database_error(error: sqlite3.Error, display: str, what: str = N_("database")) -> BalprovError:
    """A sqlite3 error as the user's message, naming the file."""
    text = str(error)
    what = _(what)  # marked with N_ by the callers
    if "locked" in text or "busy" in text:
        return BalprovError(
            _("{path}: the {what} stayed busy for more than {seconds} s (another process is writing to it)").format(
                path=display, what=what, seconds=f"{BUSY_TIMEOUT_S:g}"
            )
        )
    if isinstance(error, sqlite3.DatabaseError) and not isinstance(error, sqlite3.IntegrityError):
        return BalprovError(
            _("{path}: not a usable balprov {what}: {reason} (is it the right file? is it damaged?)").format(
                path=display, what=what, reason=text
            )
        )
    return BalprovError(_("{path}: {what} error: {reason}").format(path=display, what=what, reason=text))


@contextlib.contextmanager
def transaction(connection: sqlite3.Connection, immediate: bool = True) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE (a writer) or BEGIN (a consistent reader) ... COMMIT, ROLLBACK on any error."""
    connection.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
    try:
        yield connection
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def pid_alive(pid: int) -> bool:
    """Whether a process `pid` exists on this host (a zombie counts until its parent reaps it)."""
    if os.name == "nt":  # os.kill would terminate it there: assume alive, force-unlock is the way out
        return True
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it exists, run by another user
        return True
    return True


def locked_message(display: str, timeout: float, holder: LockInfo) -> str:
    """Why the SQLite state lock could not be taken, and the way out."""
    if timeout > 0:
        return _(
            "{path}: the state is locked after waiting {seconds} s: {holder}. Wait for it to finish "
            "(--lock-timeout), or, if that process is gone for good, remove the lock with "
            "`balprov force-unlock {lock_id}`."
        ).format(path=display, seconds=f"{timeout:g}", holder=holder.describe(), lock_id=holder.lock_id)
    return _(
        "{path}: the state is locked: {holder}. Wait for it to finish (--lock-timeout), or, if that process is "
        "gone for good, remove the lock with `balprov force-unlock {lock_id}`."
    ).format(path=display, holder=holder.describe(), lock_id=holder.lock_id)


def no_such_lock(lock_id: str, holder: LockInfo | None) -> str:
    """force-unlock's refusal when `lock_id` is not the lock held (shared by every backend)."""
    if holder is None:
        return _("no lock {lock_id} is held; the state is not locked").format(lock_id=lock_id)
    return _("no lock {lock_id} is held; the state is locked by {holder}").format(
        lock_id=lock_id, holder=holder.describe()
    )


def not_empty(display: str, serial: object, mailboxes: object, entries: object) -> str:
    """import_state's refusal of a target that already holds something (shared by every backend)."""
    return _(
        "{path}: the target state is not empty (serial {serial}, {mailboxes} mailbox(es), {entries} journal "
        "entries); nothing was copied. Pass --force to replace it."
    ).format(path=display, serial=serial, mailboxes=mailboxes, entries=entries)


def current_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


# ---------------------------------------------------------------------------------------------------
# The backend


class SqliteState(StateBackend):
    """The state in one SQLite file; created (with a new lineage, serial 0) if it does not exist."""

    def __init__(self, path: Path, display: str | None = None) -> None:
        self.path = path
        self.display = display if display is not None else str(path)
        self._db = connect_private(path, self.display, N_("state database"))
        try:
            with self._guard():
                self._initialize()
        except BaseException:
            self._db.close()
            raise

    # -- opening -----------------------------------------------------------------------------------

    def _initialize(self) -> None:
        with transaction(self._db):
            tables = {row[0] for row in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not tables:
                for statement in _statements(_SCHEMA):
                    self._db.execute(statement)
                self._db.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [
                        ("kind", KIND),
                        ("schema_version", SCHEMA_VERSION),
                        ("lineage", str(uuid.uuid4())),
                        ("serial", 0),
                        ("created_at", utc_now()),
                    ],
                )
                return
            if "meta" not in tables:
                raise BalprovError(
                    _("{path}: this SQLite database is not a balprov state (no meta table)").format(path=self.display)
                )
            meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("kind") != KIND or "schema_version" not in meta:
            raise BalprovError(_("{path}: this SQLite database is not a balprov state").format(path=self.display))
        version = meta["schema_version"]
        if not isinstance(version, int) or version < 1:
            raise BalprovError(
                _("{path}: the state's schema_version {version} is not valid").format(
                    path=self.display, version=repr(version)
                )
            )
        if version > SCHEMA_VERSION:
            raise BalprovError(
                _(
                    "{path}: the state has schema version {version}, written by a newer balprov; this balprov "
                    "knows schema version {known} only. Upgrade balprov to use this state."
                ).format(path=self.display, version=version, known=SCHEMA_VERSION)
            )

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as error:
            raise database_error(error, self.display, N_("state database")) from None

    # -- reading -----------------------------------------------------------------------------------

    def snapshot(self) -> StateSnapshot:
        with self._guard(), transaction(self._db, immediate=False):
            meta = dict(self._db.execute("SELECT key, value FROM meta WHERE key IN ('lineage', 'serial')").fetchall())
            rows = self._db.execute(f"SELECT {MAILBOX_COLUMNS} FROM mailboxes ORDER BY name").fetchall()
        try:
            mailboxes = {row[0]: mailbox_record(row, json.loads) for row in rows}
        except (ValueError, TypeError) as error:
            raise BalprovError(
                _("{path}: a mailbox row of the state is damaged: {reason}").format(path=self.display, reason=error)
            ) from None
        return StateSnapshot(lineage=str(meta["lineage"]), serial=int(meta["serial"]), mailboxes=mailboxes)

    def history(self, name: str | None = None) -> list[JournalEntry]:
        with self._guard():
            if name is None:
                rows = self._db.execute(f"SELECT {JOURNAL_COLUMNS} FROM journal ORDER BY id").fetchall()
            else:
                rows = self._db.execute(
                    f"SELECT {JOURNAL_COLUMNS} FROM journal WHERE name = ? ORDER BY id", (name,)
                ).fetchall()
        return self._entries(rows)

    def entries_for_plan(self, plan_id: str) -> list[JournalEntry]:
        with self._guard():
            rows = self._db.execute(
                f"SELECT {JOURNAL_COLUMNS} FROM journal WHERE plan_id = ? ORDER BY id", (plan_id,)
            ).fetchall()
        return self._entries(rows)

    def _entries(self, rows: list[tuple[Any, ...]]) -> list[JournalEntry]:
        try:
            return [journal_entry(row, json.loads) for row in rows]
        except (ValueError, TypeError) as error:
            raise BalprovError(
                _("{path}: a journal entry of the state is damaged: {reason}").format(path=self.display, reason=error)
            ) from None

    # -- writing -----------------------------------------------------------------------------------

    def record(self, change: AppliedChange) -> int:
        if change.action not in ACTIONS:
            raise AssertionError(f"cannot record action {change.action!r}: one of {', '.join(ACTIONS)}")  # a bug
        if change.action != "delete" and (change.definition is None or change.digest is None):
            raise AssertionError(f"a {change.action} of {change.name} needs its definition and digest")  # a bug
        at = utc_now()
        try:
            with transaction(self._db):
                return self._record(change, at)
        except sqlite3.IntegrityError as error:
            try:
                holder = self._db.execute("SELECT name FROM mailboxes WHERE address = ?", (change.address,)).fetchone()
            except sqlite3.Error:
                holder = None
            if holder is not None and holder[0] != change.name:
                raise BalprovError(
                    _(
                        "{path}: cannot record the {action} of {name}: its address {address} is recorded for "
                        "mailbox {holder}"
                    ).format(
                        path=self.display,
                        action=change.action,
                        name=change.name,
                        address=change.address,
                        holder=holder[0],
                    )
                ) from None
            raise database_error(error, self.display, N_("state database")) from None
        except sqlite3.Error as error:
            raise database_error(error, self.display, N_("state database")) from None

    def _record(self, change: AppliedChange, at: str) -> int:
        if change.action == "delete":
            self._db.execute("DELETE FROM mailboxes WHERE name = ?", (change.name,))
        else:
            self._db.execute(
                f"INSERT INTO mailboxes ({MAILBOX_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET address = excluded.address, definition = excluded.definition, "
                "digest = excluded.digest, provider_ids = excluded.provider_ids, "
                "applied_at = excluded.applied_at, applied_by = excluded.applied_by, "
                "applied_host = excluded.applied_host, git_commit = excluded.git_commit",
                (
                    change.name,
                    change.address,
                    dumps(change.definition),
                    change.digest,
                    dumps(change.provider_ids),
                    at,
                    change.actor,
                    change.host,
                    change.git_commit,
                ),
            )
        (serial,) = self._db.execute(
            "UPDATE meta SET value = value + 1 WHERE key = 'serial' RETURNING value"
        ).fetchone()
        self._db.execute(
            "INSERT INTO journal (serial, at, name, address, action, accountable, actor, host, git_commit, "
            "plan_id, attributes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                serial,
                at,
                change.name,
                change.address,
                change.action,
                change.accountable,
                change.actor,
                change.host,
                change.git_commit,
                change.plan_id,
                dumps(change.attributes),
            ),
        )
        return int(serial)

    # -- the lock ----------------------------------------------------------------------------------

    def acquire_lock(self, operation: str, timeout: float) -> LockInfo:
        mine = LockInfo(
            lock_id=str(uuid.uuid4()),
            who=current_user(),
            host=socket.gethostname(),
            pid=os.getpid(),
            operation=operation,
            since="",
        )
        deadline = time.monotonic() + max(timeout, 0.0)
        while True:
            with self._guard(), transaction(self._db):
                holder = self._read_lock()
                if holder is None or (holder.host == mine.host and not pid_alive(holder.pid)):
                    # free, or left by a process of this host that is gone (killed): take it
                    mine = LockInfo(mine.lock_id, mine.who, mine.host, mine.pid, mine.operation, utc_now())
                    self._db.execute("DELETE FROM lock")
                    self._db.execute(
                        f"INSERT INTO lock (id, {_LOCK_COLUMNS}) VALUES (1, ?, ?, ?, ?, ?, ?)",
                        (mine.lock_id, mine.who, mine.host, mine.pid, mine.operation, mine.since),
                    )
                    return mine
            assert holder is not None
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise StateLockedError(locked_message(self.display, timeout, holder))
            time.sleep(min(LOCK_POLL_S, remaining))

    def release_lock(self, lock_id: str) -> None:
        with self._guard(), transaction(self._db):
            self._db.execute("DELETE FROM lock WHERE lock_id = ?", (lock_id,))

    def force_unlock(self, lock_id: str) -> LockInfo:
        with self._guard(), transaction(self._db):
            holder = self._read_lock()
            if holder is not None and holder.lock_id == lock_id:
                self._db.execute("DELETE FROM lock WHERE lock_id = ?", (lock_id,))
                return holder
        raise BalprovError(no_such_lock(lock_id, holder))

    def current_lock(self) -> LockInfo | None:
        with self._guard():
            return self._read_lock()

    def _read_lock(self) -> LockInfo | None:
        row = self._db.execute(f"SELECT {_LOCK_COLUMNS} FROM lock WHERE id = 1").fetchone()
        if row is None:
            return None
        return LockInfo(lock_id=row[0], who=row[1], host=row[2], pid=int(row[3]), operation=row[4], since=row[5])

    # -- copying -----------------------------------------------------------------------------------

    def export_state(self) -> StateExport:
        with self._guard(), transaction(self._db, immediate=False):
            meta = dict(self._db.execute("SELECT key, value FROM meta WHERE key IN ('lineage', 'serial')").fetchall())
            rows = self._db.execute(f"SELECT {MAILBOX_COLUMNS} FROM mailboxes ORDER BY name").fetchall()
            journal = self._db.execute(f"SELECT {JOURNAL_COLUMNS} FROM journal ORDER BY id").fetchall()
        try:
            mailboxes = [mailbox_record(row, json.loads) for row in rows]
        except (ValueError, TypeError) as error:
            raise BalprovError(
                _("{path}: a mailbox row of the state is damaged: {reason}").format(path=self.display, reason=error)
            ) from None
        return StateExport(
            lineage=str(meta["lineage"]),
            serial=int(meta["serial"]),
            mailboxes=mailboxes,
            journal=self._entries(journal),
        )

    def import_state(self, data: StateExport, *, force: bool = False) -> None:
        try:
            with transaction(self._db):
                (serial,) = self._db.execute("SELECT value FROM meta WHERE key = 'serial'").fetchone()
                (mailboxes,) = self._db.execute("SELECT count(*) FROM mailboxes").fetchone()
                (entries,) = self._db.execute("SELECT count(*) FROM journal").fetchone()
                if (serial or mailboxes or entries) and not force:
                    raise BalprovError(not_empty(self.display, serial, mailboxes, entries))
                # the journal is append-only: its guard is lifted for this transaction only
                self._db.execute("DROP TRIGGER journal_no_delete")
                self._db.execute("DELETE FROM journal")
                self._db.execute(_trigger("journal_no_delete"))
                self._db.execute("DELETE FROM mailboxes")
                self._db.executemany(
                    f"INSERT INTO mailboxes ({MAILBOX_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [mailbox_row(r) for r in data.mailboxes],
                )
                self._db.executemany(
                    f"INSERT INTO journal ({JOURNAL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [journal_row(e) for e in data.journal],
                )
                self._db.execute(
                    "UPDATE sqlite_sequence SET seq = (SELECT coalesce(max(id), 0) FROM journal) WHERE name = 'journal'"
                )
                self._db.executemany(
                    "UPDATE meta SET value = ? WHERE key = ?", [(data.lineage, "lineage"), (data.serial, "serial")]
                )
        except sqlite3.Error as error:
            raise database_error(error, self.display, N_("state database")) from None

    def close(self) -> None:
        self._db.close()


# ---------------------------------------------------------------------------------------------------
# Rows


def _statements(script: str) -> list[str]:
    """Split the schema into statements (executescript would commit the open transaction)."""
    statements: list[str] = []
    current = ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return [statement for statement in statements if statement]


def _trigger(name: str) -> str:
    """The CREATE TRIGGER statement of `name` in the schema."""
    for statement in _statements(_SCHEMA):
        if statement.startswith(f"CREATE TRIGGER {name} "):
            return statement
    raise KeyError(name)
