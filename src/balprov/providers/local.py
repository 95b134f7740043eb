"""The `local` provider: the operator side kept in its own SQLite file (default `.balprov/operator-<id>.db`).

It stands in for a real operator, so a user can open the file and see what an operator would hold:

- `mailboxes`: one row per address, with the `owner` (lineage of the balprov state that created it)
  and the definition as received (`definition`, JSON), which `read` returns;
- `holders`: the cotitulaires of each mailbox (RPPS, principal, authentication);
- `delegations`: the délégataires' access (rights, validity window).

Every call is one transaction and idempotent: `create` of a mailbox this owner already holds
overwrites it, `delete` of a missing one succeeds. A mailbox of another owner is never taken over.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from balprov.errors import BalprovError
from balprov.i18n import N_, _
from balprov.providers.base import Provider, ProviderError
from balprov.state.sqlite import connect_private, transaction, utc_now

SCHEMA_VERSION = 1
KIND = "balprov-local-provider"

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value NOT NULL)",
    """CREATE TABLE IF NOT EXISTS mailboxes (
        address      TEXT PRIMARY KEY,
        name         TEXT NOT NULL,
        display_name TEXT NOT NULL,
        owner        TEXT NOT NULL,
        definition   TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS holders (
        address        TEXT NOT NULL,
        rpps           TEXT NOT NULL,
        principal      INTEGER NOT NULL,
        authentication TEXT NOT NULL,
        PRIMARY KEY (address, rpps)
    )""",
    """CREATE TABLE IF NOT EXISTS delegations (
        address     TEXT NOT NULL,
        delegate_id TEXT NOT NULL,
        rpps        TEXT,
        rights      TEXT NOT NULL,
        valid_from  TEXT,
        valid_until TEXT,
        PRIMARY KEY (address, delegate_id)
    )""",
)


class LocalProvider(Provider):
    """Mailboxes held in `path`, created on behalf of the state whose lineage is `owner`."""

    def __init__(self, path: Path, owner: str, display: str | None = None) -> None:
        self.path = path
        self.owner = owner
        self.display = display if display is not None else str(path)
        try:
            self._db = connect_private(path, self.display, N_("local provider database"))
        except BalprovError as error:
            raise ProviderError(_("local provider: {reason}").format(reason=error)) from None
        try:
            with self._guard(None), transaction(self._db):
                self._initialize()
        except BaseException:
            self._db.close()
            raise

    def _initialize(self) -> None:
        tables = {row[0] for row in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and "meta" not in tables:
            raise ProviderError(
                _("local provider: {path} is not a local provider database (no meta table)").format(path=self.display)
            )
        for statement in _SCHEMA:
            self._db.execute(statement)
        self._db.executemany(
            "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
            [("kind", KIND), ("schema_version", SCHEMA_VERSION), ("created_at", utc_now())],
        )
        meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("kind") != KIND:
            raise ProviderError(_("local provider: {path} is not a local provider database").format(path=self.display))
        version = meta.get("schema_version")
        if not isinstance(version, int) or version > SCHEMA_VERSION:
            raise ProviderError(
                _("local provider: {path} has schema version {version}; this balprov knows {known} only").format(
                    path=self.display, version=repr(version), known=SCHEMA_VERSION
                )
            )

    @contextlib.contextmanager
    def _guard(self, what: str | None) -> Iterator[None]:
        """sqlite3 errors (a trigger's RAISE included) as a ProviderError naming the call and the file.

        `what` comes translated ("create ADDRESS"; a translation may make it a noun, "la création de …"),
        None while opening (a message of its own: a lone "open" would be ambiguous in a catalog)."""
        try:
            yield
        except sqlite3.Error as error:
            if what is None:
                message = _("local provider ({path}): open failed: {reason}").format(path=self.display, reason=error)
            else:
                message = _("local provider ({path}): {what} failed: {reason}").format(
                    path=self.display, what=what, reason=error
                )
            raise ProviderError(message) from None

    # -- the four calls ----------------------------------------------------------------------------

    def create(self, definition: dict[str, Any]) -> dict[str, str]:
        address = definition["address"]
        with self._guard(_("create {address}").format(address=address)), transaction(self._db):
            existing = self._row(address)
            if existing is not None:
                self._check_owner(address, existing[1], N_("cannot create {address}"))
                self._write(definition, created_at=existing[2], exists=True)
            else:
                self._write(definition, created_at=None, exists=False)
        return {"local_id": address}

    def update(self, before: dict[str, Any], after: dict[str, Any]) -> dict[str, str]:
        old, new = before["address"], after["address"]
        doing = _("update {old} to {new}").format(old=old, new=new) if new != old else _("update {old}").format(old=old)
        with self._guard(doing), transaction(self._db):
            previous = self._row(old)
            if previous is not None:
                self._check_owner(old, previous[1], N_("cannot update {address}"))
            target = self._row(new) if new != old else previous
            if target is not None and new != old:
                self._check_owner(new, target[1], N_("cannot move a mailbox to {address}"))
            created_at = previous[2] if previous is not None else target[2] if target is not None else None
            if new != old and previous is not None:
                self._remove(old)
            # absent at both addresses (removed at the operator): recreated, the definition is what is wanted
            self._write(after, created_at=created_at, exists=target is not None)
        return {"local_id": new}

    def delete(self, definition: dict[str, Any]) -> None:
        address = definition["address"]
        with self._guard(_("delete {address}").format(address=address)), transaction(self._db):
            existing = self._row(address)
            if existing is None:
                return
            self._check_owner(address, existing[1], N_("cannot delete {address}"))
            if existing[0] != definition["name"]:
                return  # the address now serves another mailbox of this state (a renamed one): not ours to remove
            self._remove(address)

    def read(self, address: str) -> dict[str, Any] | None:
        with self._guard(_("read {address}").format(address=address)):
            row = self._db.execute("SELECT definition FROM mailboxes WHERE address = ?", (address,)).fetchone()
        if row is None:
            return None
        try:
            value = json.loads(row[0])
        except (TypeError, ValueError):
            value = None
        if not isinstance(value, dict):
            raise ProviderError(
                _("local provider ({path}): {address} holds a damaged definition").format(
                    path=self.display, address=address
                )
            )
        return value

    def close(self) -> None:
        self._db.close()

    # -- rows --------------------------------------------------------------------------------------

    def _row(self, address: str) -> tuple[str, str, str] | None:
        row = self._db.execute("SELECT name, owner, created_at FROM mailboxes WHERE address = ?", (address,)).fetchone()
        return None if row is None else (row[0], row[1], row[2])

    def _check_owner(self, address: str, owner: str, refusal: str) -> None:
        """`refusal`: "cannot create {address}" and the like, marked with N_ (one sentence per verb for translators)."""
        if owner != self.owner:
            raise ProviderError(
                _(
                    "{refusal}: it exists at the operator and was not created by this balprov state; "
                    "refusing to take it over (it belongs to the state of lineage {owner})"
                ).format(refusal=_(refusal).format(address=address), owner=owner)
            )

    def _write(self, definition: dict[str, Any], created_at: str | None, exists: bool) -> None:
        address = definition["address"]
        now = utc_now()
        row = (
            definition["name"],
            definition["displayName"],
            self.owner,
            json.dumps(definition, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
        )
        if exists:
            self._db.execute(
                "UPDATE mailboxes SET name = ?, display_name = ?, owner = ?, definition = ?, updated_at = ? "
                "WHERE address = ?",
                (*row, now, address),
            )
            self._db.execute("DELETE FROM holders WHERE address = ?", (address,))
            self._db.execute("DELETE FROM delegations WHERE address = ?", (address,))
        else:
            self._db.execute(
                "INSERT INTO mailboxes (address, name, display_name, owner, definition, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (address, *row, created_at or now, now),
            )
        self._db.executemany(
            "INSERT INTO holders (address, rpps, principal, authentication) VALUES (?, ?, ?, ?)",
            [
                (address, holder["rpps"], int(bool(holder.get("principal"))), holder["authentication"])
                for holder in definition.get("cotitulaires", [])
            ],
        )
        self._db.executemany(
            "INSERT INTO delegations (address, delegate_id, rpps, rights, valid_from, valid_until) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    address,
                    delegate["id"],
                    delegate.get("rpps"),
                    ",".join(sorted(delegate["rights"])),
                    delegate.get("validFrom"),
                    delegate.get("validUntil"),
                )
                for delegate in definition.get("delegataires", [])
            ],
        )

    def _remove(self, address: str) -> None:
        self._db.execute("DELETE FROM holders WHERE address = ?", (address,))
        self._db.execute("DELETE FROM delegations WHERE address = ?", (address,))
        self._db.execute("DELETE FROM mailboxes WHERE address = ?", (address,))
