"""The PostgreSQL state for the plan benchmark (`bench/plan.py N --backend postgres`).

Without `--dsn`, a throwaway server is started as the tests start theirs (tests/services/postgres.py:
initdb in a temporary folder, loopback port, fsync off) and stopped at the end. With `--dsn`, the bench
uses that database and resets balprov's tables in it before each fresh apply: give it a scratch database.

The project's balprov.yaml gets `dsn: ${BALPROV_BENCH_DSN}`, the DSN itself travelling in the environment
of the measured processes, as a team would keep it out of the repository.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg

REPO = Path(__file__).resolve().parent.parent
VARIABLE = "BALPROV_BENCH_DSN"
RESET = (
    "DROP TABLE IF EXISTS balprov_journal, balprov_mailboxes, balprov_lock, balprov_meta, "
    "balprov_schema_migrations CASCADE; DROP FUNCTION IF EXISTS balprov_journal_append_only()"
)


class PostgresBench:
    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        os.environ[VARIABLE] = dsn  # inherited by the measured processes

    def configure(self, project: Path) -> None:
        """Point the project's balprov.yaml at the PostgreSQL state."""
        config = project / "balprov.yaml"
        text = config.read_text(encoding="utf-8")
        state = "  backend: sqlite\n  path: .balprov/state.db\n"
        if state not in text:
            raise SystemExit("bench: balprov.yaml's state section is not the expected one")
        config.write_text(text.replace(state, f"  backend: postgres\n  dsn: ${{{VARIABLE}}}\n"), encoding="utf-8")

    def reset(self) -> None:
        """An empty database again: the next balprov command creates a new state."""
        with psycopg.connect(self.dsn, autocommit=True) as db:
            db.execute(RESET.encode("utf-8"))


@contextlib.contextmanager
def postgres_bench(dsn: str | None) -> Iterator[PostgresBench]:
    if dsn is not None:
        yield PostgresBench(dsn)
        return
    sys.path.append(str(REPO / "tests"))  # last: tests/ holds packages named like bench modules
    service: Any = importlib.import_module("services.postgres")
    try:
        server = service.start()
    except service.PostgresUnavailable as error:
        raise SystemExit(f"bench: cannot start a PostgreSQL server ({error}); pass --dsn") from None
    try:
        yield PostgresBench(server.dsn(server.create_database()))
    finally:
        server.stop()
