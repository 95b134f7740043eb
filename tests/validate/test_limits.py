"""The documented limits (README, "Limits") give clear messages naming the limit."""

from __future__ import annotations

import re
from pathlib import Path

from balprov.loading.limits import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES

from .support import lilas_text, make_project, run_balprov

DELEGATE = """    - id: d{index}
      rpps: null
      lastName: Dupont
      firstName: Claire
      role: Secrétaire médicale
      rights: [read]
      delegatedBy: ["10107592585"]
"""


def _validate(tmp_path: Path, text: str) -> str:
    root = make_project(tmp_path / "repo", {"c.yaml": text})
    result = run_balprov("validate", cwd=root)
    assert result.returncode == 1, result.stdout + result.stderr
    return result.stdout


def test_a_too_long_text_names_its_length_and_the_limit(tmp_path: Path) -> None:
    text = re.sub(r"displayName: .*", 'displayName: "' + "x" * 300 + '"', lilas_text(), count=1)
    assert "is 300 characters long; the limit is 200" in _validate(tmp_path, text)


def test_too_many_delegates_names_the_count_and_the_limit(tmp_path: Path) -> None:
    text = lilas_text()
    start = text.index("  delegataires:\n") + len("  delegataires:\n")
    end = text.index("  onboarding:")
    many = "".join(DELEGATE.format(index=index) for index in range(201))
    output = _validate(tmp_path, text[:start] + many + text[end:])
    assert "error [schema] 201 entries; the limit is 200" in output


def test_the_loader_limits_are_the_documented_ones() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert (MAX_FILE_BYTES, MAX_DEPTH, MAX_NODES) == (1 << 20, 32, 20_000)
    for shown in ("1 MiB", "32 levels", "20,000", "200,000"):
        assert shown in readme.split("## Limits", 1)[1].split("\n## ", 1)[0]
