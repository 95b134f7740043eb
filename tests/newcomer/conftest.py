from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from clirun import Run, run_in_process

from .terminal import Terminal

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    return tmp_path


@pytest.fixture
def run(workdir: Path, capsys: pytest.CaptureFixture[str]) -> Run:
    return lambda *args: run_in_process(capsys, args)


@pytest.fixture
def repo(workdir: Path, run: Run) -> Path:
    """A repository made by `balprov init` in the current (temporary) folder."""
    result = run("init")
    assert result.code == 0, result.err
    return workdir


def child_env(**changes: str | None) -> dict[str, str]:
    """The environment for a balprov subprocess: this one, without CI unless asked, plus `changes`."""
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    env.update({"NO_COLOR": "1", "TERM": "xterm", "PYTHONIOENCODING": "utf-8"})
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


BALPROV = [sys.executable, "-m", "balprov"]


StartTerminal = Callable[..., Terminal]


@pytest.fixture
def terminal() -> Iterator[StartTerminal]:
    """Start balprov on a pseudo-terminal: `terminal(cwd, *args, env=...)`."""
    started: list[Terminal] = []

    def start(cwd: Path, *args: str, env: dict[str, str] | None = None) -> Terminal:
        session = Terminal([*BALPROV, *args], cwd, env if env is not None else child_env())
        started.append(session)
        return session

    yield start
    for session in started:
        session.close()
