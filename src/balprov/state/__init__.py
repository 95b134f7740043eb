"""State: what balprov applied, per mailbox, with a lineage, a serial, a journal and a lock."""

from balprov.state.base import (
    AppliedChange,
    JournalEntry,
    LockInfo,
    MailboxRecord,
    StateBackend,
    StateExport,
    StateLockedError,
    StateSnapshot,
)
from balprov.state.open import open_state

__all__ = [
    "AppliedChange",
    "JournalEntry",
    "LockInfo",
    "MailboxRecord",
    "StateBackend",
    "StateExport",
    "StateLockedError",
    "StateSnapshot",
    "open_state",
]
