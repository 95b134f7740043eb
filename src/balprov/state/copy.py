"""Copy a whole state to another backend (`balprov state copy --to CONFIG`): SQLite to PostgreSQL and back.

The source is read in one transaction (a consistent export); the target is replaced in one transaction
under its own lock, so an apply running on the target either finishes first or waits. Lineage, serial,
mailboxes and the journal (with its ids) arrive unchanged, so saved plans and the operators' ownership
(the local provider records the lineage that created each mailbox) carry over.
"""

from __future__ import annotations

from balprov.errors import BalprovError
from balprov.i18n import _
from balprov.state.base import StateBackend, StateExport
from balprov.state.sqlite import SqliteState


def copy_state(source: StateBackend, target: StateBackend, *, force: bool, lock_timeout: float) -> StateExport:
    """Make `target` hold exactly what `source` holds; refuses a non-empty target unless `force`."""
    if _where(source) == _where(target):
        raise BalprovError(
            _("{state}: the source and the target are the same state; nothing to copy").format(state=target.display)
        )
    data = source.export_state()
    lock = target.acquire_lock("state copy", lock_timeout)
    try:
        target.import_state(data, force=force)
    finally:
        target.release_lock(lock.lock_id)
    return data


def _where(state: StateBackend) -> str:
    """Where a state lives, to tell two states apart (an SQLite file by its real path, a server by its DSN)."""
    if isinstance(state, SqliteState):
        return f"sqlite:{state.path.resolve()}"
    return f"{type(state).__name__}:{state.display}"
