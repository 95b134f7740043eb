"""The row layout of the state's two tables, shared by every backend: one place says which column is which.

SQLite stores JSON as text (decode with json.loads); PostgreSQL's jsonb columns arrive decoded (identity).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from balprov.state.base import JournalEntry, MailboxRecord

MAILBOX_COLUMNS = "name, address, definition, digest, provider_ids, applied_at, applied_by, applied_host, git_commit"
JOURNAL_COLUMNS = "id, serial, at, name, address, action, accountable, actor, host, git_commit, plan_id, attributes"

Decode = Callable[[Any], Any]


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def mailbox_record(row: Sequence[Any], decode: Decode) -> MailboxRecord:
    return MailboxRecord(
        name=row[0],
        address=row[1],
        stored=row[2],  # text from SQLite, decoded when first read; already decoded from PostgreSQL's jsonb
        digest=row[3],
        provider_ids=decode(row[4]),
        applied_at=row[5],
        applied_by=row[6],
        applied_host=row[7],
        git_commit=row[8],
    )


def journal_entry(row: Sequence[Any], decode: Decode) -> JournalEntry:
    return JournalEntry(
        id=int(row[0]),
        serial=int(row[1]),
        at=row[2],
        name=row[3],
        address=row[4],
        action=row[5],
        accountable=row[6],
        actor=row[7],
        host=row[8],
        git_commit=row[9],
        plan_id=row[10],
        attributes=decode(row[11]),
    )


def mailbox_row(record: MailboxRecord) -> tuple[Any, ...]:
    return (
        record.name,
        record.address,
        dumps(record.definition),
        record.digest,
        dumps(record.provider_ids),
        record.applied_at,
        record.applied_by,
        record.applied_host,
        record.git_commit,
    )


def journal_row(entry: JournalEntry) -> tuple[Any, ...]:
    return (
        entry.id,
        entry.serial,
        entry.at,
        entry.name,
        entry.address,
        entry.action,
        entry.accountable,
        entry.actor,
        entry.host,
        entry.git_commit,
        entry.plan_id,
        dumps(entry.attributes),
    )
