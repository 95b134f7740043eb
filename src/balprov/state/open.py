"""The project's state backend, as balprov.yaml's `state` section selects it."""

from __future__ import annotations

from dataclasses import dataclass

from balprov.errors import ConfigError
from balprov.i18n import _
from balprov.project import Project
from balprov.state.base import StateBackend
from balprov.state.sqlite import SCHEMA_VERSION as SQLITE_SCHEMA_VERSION
from balprov.state.sqlite import SqliteState

DEFAULT_STATE_PATH = ".balprov/state.db"
BACKENDS = ("sqlite", "postgres")


def open_state(project: Project) -> StateBackend:
    """Open (and, the first time, create) the project's state; close it, or use it as a context manager."""
    if project.state_backend == "sqlite":
        path = project.state_path if project.state_path is not None else project.root / DEFAULT_STATE_PATH
        return SqliteState(path, display=project.display(path))
    if project.state_backend == "postgres":
        from balprov.state.postgres import PostgresState  # psycopg is loaded only by projects that use it

        return PostgresState(_dsn(project))
    raise ConfigError(
        _("balprov.yaml: state backend {backend} is not available in this balprov (available: {available})").format(
            backend=repr(project.state_backend), available=", ".join(BACKENDS)
        )
    )


@dataclass(frozen=True, slots=True)
class Migrated:
    backend: str
    display: str
    before: int  # schema version found (0: none yet)
    after: int
    applied: list[str]


def migrate_state(project: Project) -> Migrated:
    """Create or upgrade the project's state schema to this balprov's version; idempotent."""
    if project.state_backend == "postgres":
        from balprov.state.dsn import mask_dsn
        from balprov.state.postgres import migrate

        dsn = _dsn(project)
        result = migrate(dsn)
        return Migrated("postgres", mask_dsn(dsn), result.before, result.after, result.applied)
    with open_state(project) as state:  # SQLite: one schema version so far, created on first open
        return Migrated(project.state_backend, state.display, SQLITE_SCHEMA_VERSION, SQLITE_SCHEMA_VERSION, [])


def _dsn(project: Project) -> str:
    if not project.state_dsn:
        raise ConfigError(
            _(
                "{path}: state backend postgres needs `state.dsn` "
                "(for example dsn: postgresql://balprov:${{BALPROV_PG_PASSWORD}}@db.example:5432/balprov)"
            ).format(path=project.display(project.config_path))
        )
    return project.state_dsn
