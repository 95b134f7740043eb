"""`balprov validate` on the fixture project, each --format compared byte for byte with its golden file.

To regenerate the golden files after an intended change of output, run

    BALPROV_UPDATE_GOLDEN=1 .venv/bin/pytest tests/validate/test_golden.py

then read `git diff tests/golden/validate/` line by line before committing: a golden file is only as
right as the review it got.
"""

from __future__ import annotations

import os

import pytest

from .support import GOLDEN, MIXED, TODAY, run_balprov

# golden file -> the format options that produce it
FORMATS = {
    "mixed.txt": ["--format", "text", "--no-color"],
    "mixed.json": ["--format", "json"],
    "mixed.github": ["--format", "github"],
    "mixed.junit.xml": ["--format", "junit"],
    "mixed.sarif.json": ["--format", "sarif"],
}


@pytest.mark.parametrize("golden", sorted(FORMATS))
def test_validate_output_matches_golden(golden: str) -> None:
    result = run_balprov("validate", "--today", TODAY, *FORMATS[golden], cwd=MIXED)
    assert result.returncode == 1, result.stderr  # the fixture has errors
    assert result.stderr == ""
    path = GOLDEN / golden
    if os.environ.get("BALPROV_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(result.stdout.encode("utf-8"))
    assert result.stdout.encode("utf-8") == path.read_bytes()
