"""The project's state backend, as balprov.yaml's `state` section selects it."""

from __future__ import annotations

from balprov.errors import ConfigError
from balprov.project import Project
from balprov.state.base import StateBackend
from balprov.state.sqlite import SqliteState

DEFAULT_STATE_PATH = ".balprov/state.db"
BACKENDS = ("sqlite",)


def open_state(project: Project) -> StateBackend:
    """Open (and, the first time, create) the project's state; close it, or use it as a context manager."""
    if project.state_backend == "sqlite":
        path = project.state_path if project.state_path is not None else project.root / DEFAULT_STATE_PATH
        return SqliteState(path, display=project.display(path))
    raise ConfigError(
        f"balprov.yaml: state backend {project.state_backend!r} is not available in this balprov "
        f"(available: {', '.join(BACKENDS)})"
    )
