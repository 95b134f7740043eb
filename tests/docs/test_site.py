"""The documentation site builds in strict mode (a broken link, a missing page or reference fails it)."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

from balprov.rules import RULES

from .conftest import REPO, require_mkdocs


def test_site_builds_strict(tmp_path: Path) -> None:
    require_mkdocs()
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for page in ("index.html", "tutorial.en/index.html", "tutorial.fr/index.html", "operating/index.html"):
        assert (site / page).is_file(), page
    for page in ("rules", "commands", "formats", "cabinet-schema", "plan-format", "exit-codes"):
        assert (site / "reference" / page / "index.html").is_file(), page
    rules = (site / "reference" / "rules" / "index.html").read_text(encoding="utf-8")
    assert all(slug in rules for slug in RULES)


def test_build_fails_without_a_rule_docstring(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """In-process build with a rule's docstring removed: the hook stops the build, naming the rule."""
    require_mkdocs()
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    monkeypatch.setitem(RULES, "rpps-checksum", dataclasses.replace(RULES["rpps-checksum"], doc=""))
    monkeypatch.chdir(REPO)
    config = load_config(str(REPO / "mkdocs.yml"), site_dir=str(tmp_path / "site"), strict=True)
    with pytest.raises(MkDocsException):
        build(config)
    assert "reference incomplete: rule rpps-checksum: its module has no docstring" in caplog.text
    assert not (tmp_path / "site" / "reference" / "rules" / "index.html").exists()
