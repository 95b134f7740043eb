from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from clirun import Result, Run, run_in_process
from services.postgres import postgres_database, postgres_dsn, postgres_server

__all__ = [
    "Result",
    "Run",
    "postgres_database",
    "postgres_dsn",
    "postgres_server",
]  # a real server for test_apply_postgres.py

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the shipped examples: balprov.yaml and the fiche's four cases (7 mailboxes)."""
    shutil.copy(REPO / "balprov.yaml", tmp_path / "balprov.yaml")
    shutil.copytree(REPO / "cabinets", tmp_path / "cabinets")
    return tmp_path


@pytest.fixture
def run(project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    """balprov in-process, from the project folder, as the console script runs it (exit code included)."""
    monkeypatch.chdir(project)
    monkeypatch.setenv("NO_COLOR", "1")

    def invoke(*args: str) -> Result:
        return run_in_process(capsys, args)

    return invoke
