"""The fiche's four worked cases, shipped under cabinets/, validate with zero errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from balprov.identifiers import luhn_ok


def run_balprov(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "balprov", *args], cwd=cwd, capture_output=True, text=True)


def test_shipped_examples_have_no_errors(repo_root: Path) -> None:
    result = run_balprov("validate", "--format", "json", "--today", "2026-11-29", cwd=repo_root)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["summary"] == {"files": 7, "errors": 0, "warnings": 1}
    assert [(d["file"], d["line"], d["rule"]) for d in report["diagnostics"]] == [
        ("cabinets/cabinet-des-lilas.yaml", 48, "onboarding-incomplete")
    ]


def test_shipped_examples_use_luhn_valid_rpps(repo_root: Path) -> None:
    import yaml

    for path in sorted((repo_root / "cabinets").rglob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))["spec"]
        numbers = [c["rpps"] for c in spec["cotitulaires"]]
        numbers += [d["rpps"] for d in spec.get("delegataires", []) if d.get("rpps")]
        assert numbers and all(luhn_ok(n) for n in numbers), path


def test_every_shipped_example_declares_its_schema_for_editors(repo_root: Path) -> None:
    for path in sorted((repo_root / "cabinets").rglob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("=", 1)[1]).resolve()
        assert target == repo_root / "schemas" / "cabinet.schema.json", path
