"""--changed-since REF: a pull request's check reads what it touched; cross-file rules still see everything."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Run = Callable[..., Any]  # the `run` fixture of conftest.py
TODAY = "2026-11-29"


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(root), "-c", "user.email=t@example.org", "-c", "user.name=t", *args],
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(project: Path) -> Path:
    git(project, "init", "-q", "-b", "main")
    (project / ".gitignore").write_text(".balprov/\n", encoding="utf-8")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "cabinets")
    return project


def diagnostics(result: Any) -> list[tuple[str, int, str]]:
    body = json.loads(result.out)
    return [(d["file"], d["line"], d["rule"]) for d in body["diagnostics"]]


def test_validate_reads_only_the_changed_files(run: Run, repo: Path) -> None:
    path = repo / "cabinets" / "cabinet-infirmier-saint-jean.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Lucie", "Lucille"), encoding="utf-8")
    result = run("validate", "--changed-since", "HEAD", "--format", "json", "--today", TODAY)
    assert result.code == 0, result.err
    assert json.loads(result.out)["summary"] == {"files": 1, "errors": 0, "warnings": 0}


def test_nothing_changed_checks_nothing(run: Run, repo: Path) -> None:
    result = run("validate", "--changed-since", "HEAD", "--format", "json")
    assert result.code == 0 and json.loads(result.out)["summary"]["files"] == 0


def test_a_new_file_is_checked_against_the_unchanged_ones(run: Run, repo: Path) -> None:
    text = (repo / "cabinets" / "cabinet-des-lilas.yaml").read_text(encoding="utf-8")
    (repo / "cabinets" / "zz-twin.yaml").write_text(text.replace("cabinet-des-lilas-93260", "twin-93260"), "utf-8")
    result = run("validate", "--changed-since", "HEAD", "--format", "json", "--today", TODAY)
    assert result.code == 1
    assert ("cabinets/zz-twin.yaml", 9, "address-duplicate") in diagnostics(result)
    assert json.loads(result.out)["summary"]["files"] == 1


def test_named_files_are_checked_against_the_whole_folder(run: Run, project: Path) -> None:
    text = (project / "cabinets" / "cabinet-des-lilas.yaml").read_text(encoding="utf-8")
    (project / "cabinets" / "zz-twin.yaml").write_text(text.replace("cabinet-des-lilas.93260@", "twin.93260@"), "utf-8")
    result = run("validate", "cabinets/zz-twin.yaml", "--format", "json", "--today", TODAY)
    assert result.code == 1
    found = diagnostics(result)
    assert ("cabinets/zz-twin.yaml", 7, "name-duplicate") in found
    # The other files' own findings (the Lilas onboarding warning) are not reported: they were not named.
    assert all(file == "cabinets/zz-twin.yaml" for file, _, _ in found)


def test_plan_shows_only_the_changed_mailboxes_and_deletions(run: Run, repo: Path) -> None:
    assert run("apply", "--auto-approve", "--today", TODAY).code == 0
    for name, old, new in (
        ("cabinet-des-lilas.yaml", "displayName: Cabinet des Lilas", "displayName: Cabinet Les Lilas"),
        ("cabinet-infirmier-saint-jean.yaml", "Lucie", "Lucille"),
    ):
        path = repo / "cabinets" / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    git(repo, "commit", "-qam", "two changes")
    path = repo / "cabinets" / "cabinet-des-lilas.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Anne", "Annie"), encoding="utf-8")
    (repo / "cabinets" / "sgami" / "conseil-medical.yaml").unlink()
    result = run("plan", "--changed-since", "HEAD", "--format", "json", "--today", TODAY)
    assert result.code == 0, result.err
    changes = {c["name"]: c["action"] for c in json.loads(result.out)["changes"]}
    assert changes == {"cabinet-des-lilas-93260": "update", "sgami-sud-est-conseil-medical-69003": "delete"}


@pytest.mark.parametrize(
    ("ref", "message"),
    [("no-such-ref", "--changed-since:"), ("--output=x", "is not a git ref")],
)
def test_a_bad_ref_is_a_usage_error(run: Run, repo: Path, ref: str, message: str) -> None:
    result = run("validate", f"--changed-since={ref}")
    assert result.code == 2 and message in result.err and "Traceback" not in result.err


def test_outside_a_git_repository(run: Run, project: Path) -> None:
    result = run("validate", "--changed-since", "HEAD")
    assert result.code == 2 and "--changed-since:" in result.err
