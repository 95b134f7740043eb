"""Running the real `balprov` command for the validate tests, and the fixture project they share."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent
MIXED = TESTS / "fixtures" / "mixed"  # one valid file, one with rule errors + a warning, one not YAML, one off-schema
GOLDEN = TESTS / "golden" / "validate"
LILAS = REPO / "cabinets" / "cabinet-des-lilas.yaml"
TODAY = "2026-11-29"

# The console script next to the interpreter (the venv's), else the module: both are `balprov` as installed.
_SCRIPT = Path(sys.executable).parent / "balprov"
COMMAND = [str(_SCRIPT)] if _SCRIPT.is_file() else [sys.executable, "-m", "balprov"]

# Variables that change what validate prints; the tests set them explicitly when they need them.
_AMBIENT = ("NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS", "TERM")


def run_balprov(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`balprov ARGS` in a subprocess (stdout is a pipe, not a terminal); never a traceback, whatever happens."""
    environment = {k: v for k, v in os.environ.items() if k not in _AMBIENT}
    environment.update(env or {})
    result = subprocess.run(
        [*COMMAND, *args], cwd=cwd, env=environment, capture_output=True, text=True, encoding="utf-8", timeout=60
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert "internal error" not in result.stderr, result.stderr
    return result


def lilas_text() -> str:
    return LILAS.read_text(encoding="utf-8")


def make_project(root: Path, cabinets: dict[str, str], config: str | None = None) -> Path:
    """A project under `root`: MIXED's balprov.yaml (or `config`) and the given cabinet files."""
    root.mkdir(parents=True, exist_ok=True)
    text = config if config is not None else (MIXED / "balprov.yaml").read_text(encoding="utf-8")
    (root / "balprov.yaml").write_text(text, encoding="utf-8")
    (root / "cabinets").mkdir(exist_ok=True)
    for name, content in cabinets.items():
        (root / "cabinets" / name).write_text(content, encoding="utf-8")
    return root
