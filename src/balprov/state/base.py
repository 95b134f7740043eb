"""The state backend interface. SQLite is the embedded default; PostgreSQL implements the same.

Every write is one transaction: the mailbox row, its journal entry and the serial move together, so
a process killed at any moment leaves either the whole change recorded or none of it.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

from balprov.errors import BalprovError
from balprov.i18n import _


class StateLockedError(BalprovError):
    """Another process holds the state lock; the message names it."""


@dataclass(frozen=True, slots=True, eq=False)
class MailboxRecord:
    """One applied mailbox: its normalized definition as applied, and who applied it when.

    `stored` is the definition, or the JSON text a backend read it as: decoded on first use of
    `definition`. A no-change plan compares digests only, and decoding 50,000 definitions it never
    reads would cost more than a second."""

    name: str
    address: str
    stored: dict[str, Any] | str
    digest: str
    provider_ids: dict[str, str]
    applied_at: str  # ISO 8601, UTC
    applied_by: str
    applied_host: str
    git_commit: str | None
    _decoded: list[dict[str, Any]] = field(default_factory=list, compare=False, repr=False)

    @property
    def definition(self) -> dict[str, Any]:
        if isinstance(self.stored, dict):
            return self.stored
        if not self._decoded:
            try:
                value = json.loads(self.stored)
            except ValueError as error:
                message = _("the state's record of mailbox {name} is damaged: {reason}")
                raise BalprovError(message.format(name=self.name, reason=error)) from None
            if not isinstance(value, dict):
                raise BalprovError(
                    _("the state's record of mailbox {name} is damaged: {reason}").format(
                        name=self.name, reason=_("not a mapping")
                    )
                )
            self._decoded.append(value)
        return self._decoded[0]

    def as_dict(self) -> dict[str, Any]:
        """The record as `state show` prints it (the definition decoded)."""
        return {
            "name": self.name,
            "address": self.address,
            "definition": self.definition,
            "digest": self.digest,
            "provider_ids": self.provider_ids,
            "applied_at": self.applied_at,
            "applied_by": self.applied_by,
            "applied_host": self.applied_host,
            "git_commit": self.git_commit,
        }

    def _compared(self) -> tuple[Any, ...]:
        return (self.name, self.address, self.definition, self.digest, self.provider_ids, self.applied_at,
                self.applied_by, self.applied_host, self.git_commit)  # fmt: skip

    def __eq__(self, other: object) -> bool:  # the same record whether its definition came as text or decoded
        return isinstance(other, MailboxRecord) and self._compared() == other._compared()

    __hash__ = None  # type: ignore[assignment]  # mutable contents, as the generated __eq__ would have made it


@dataclass(frozen=True, slots=True)
class StateSnapshot:
    lineage: str
    serial: int
    mailboxes: dict[str, MailboxRecord]  # by metadata.name


@dataclass(frozen=True, slots=True)
class AppliedChange:
    """A change that succeeded at the provider and is now to be recorded."""

    name: str
    address: str
    action: str  # create | update | delete
    definition: dict[str, Any] | None  # None for a delete
    digest: str | None
    provider_ids: dict[str, str]
    accountable: str | None  # RPPS of the principal, the person accountable for a create or delete
    actor: str
    host: str
    git_commit: str | None
    plan_id: str | None
    attributes: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class JournalEntry:
    id: int
    serial: int
    at: str
    name: str
    address: str
    action: str
    accountable: str | None
    actor: str
    host: str
    git_commit: str | None
    plan_id: str | None
    attributes: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class LockInfo:
    lock_id: str
    who: str
    host: str
    pid: int
    operation: str
    since: str  # ISO 8601, UTC

    def describe(self) -> str:
        return _("lock {lock_id} held by {who}@{host} (pid {pid}) for {operation} since {since}").format(
            lock_id=self.lock_id, who=self.who, host=self.host, pid=self.pid, operation=self.operation, since=self.since
        )


@dataclass(frozen=True, slots=True)
class StateExport:
    """A whole state, backend-neutral: what `balprov state copy` moves from one backend to another."""

    lineage: str
    serial: int
    mailboxes: list[MailboxRecord]  # by name
    journal: list[JournalEntry]  # oldest first, ids kept

    @property
    def empty(self) -> bool:
        return self.serial == 0 and not self.mailboxes and not self.journal


class StateBackend(ABC):
    """Opened by `open_state(project)`; use as a context manager."""

    display: str  # where the state lives, as messages show it (a path, or a DSN with its password masked)

    @abstractmethod
    def snapshot(self) -> StateSnapshot:
        """Lineage, serial and every mailbox, read consistently (one transaction)."""

    @abstractmethod
    def record(self, change: AppliedChange) -> int:
        """Record one applied change in one transaction: the mailbox row (upserted, or deleted), an
        append-only journal entry, and the serial raised by one. Returns the new serial."""

    @abstractmethod
    def history(self, name: str | None = None) -> list[JournalEntry]:
        """Journal entries, oldest first; only those of `name` when given."""

    @abstractmethod
    def entries_for_plan(self, plan_id: str) -> list[JournalEntry]:
        """Journal entries written while applying the plan `plan_id` (to refuse a plan applied twice)."""

    @abstractmethod
    def acquire_lock(self, operation: str, timeout: float) -> LockInfo:
        """Take the write lock, waiting up to `timeout` seconds; raise StateLockedError naming the
        holder. A lock left by a dead process on this host is detected and taken over."""

    @abstractmethod
    def release_lock(self, lock_id: str) -> None: ...

    @abstractmethod
    def force_unlock(self, lock_id: str) -> LockInfo:
        """Remove the lock `lock_id` whoever holds it; raise BalprovError if no such lock is held."""

    @abstractmethod
    def current_lock(self) -> LockInfo | None: ...

    @abstractmethod
    def export_state(self) -> StateExport:
        """Lineage, serial, every mailbox and the whole journal, read consistently (one transaction)."""

    @abstractmethod
    def import_state(self, data: StateExport, *, force: bool = False) -> None:
        """Make this state exactly `data` (lineage, serial, mailboxes, journal with its ids) in one transaction.

        Refuses (BalprovError, nothing changed) when this state is not empty (a serial above 0, a mailbox or a
        journal entry) unless `force`, which replaces it, journal included. The caller holds this state's lock."""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> StateBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
