"""The published hook, run by the real pre-commit tool from this repository (`pre-commit try-repo`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True)


@pytest.fixture(scope="module")
def cabinets_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cabinets-repo")
    shutil.copy(REPO / "balprov.yaml", root / "balprov.yaml")
    shutil.copytree(REPO / "cabinets", root / "cabinets")
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.email=t@example.org", "-c", "user.name=t", "add", ".")
    git(root, "-c", "user.email=t@example.org", "-c", "user.name=t", "commit", "-q", "-m", "cabinets")
    return root


def try_repo(root: Path, *files: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(REPO / ".balprov-test-cache" / "pre-commit"), "NO_COLOR": "1"}
    git(root, "add", "-A")
    return subprocess.run(
        [str(PRE_COMMIT), "try-repo", str(REPO), "balprov-validate", "--files", *files],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


def test_the_hook_passes_on_good_cabinets(cabinets_repo: Path) -> None:
    result = try_repo(cabinets_repo, "cabinets/cabinet-des-lilas.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "balprov validate" in result.stdout and "Passed" in result.stdout


def test_the_hook_fails_on_a_broken_cabinet(cabinets_repo: Path) -> None:
    broken = cabinets_repo / "cabinets" / "broken.yaml"
    text = (cabinets_repo / "cabinets" / "cabinet-des-lilas.yaml").read_text(encoding="utf-8")
    broken.write_text(
        text.replace("cabinet-des-lilas-93260", "cabinet-broken-93260")
        .replace("cabinet-des-lilas.93260@", "cabinet-broken.93260@")
        .replace('"10001045367"\n', '"10001045368"\n', 1),
        encoding="utf-8",
    )
    try:
        result = try_repo(cabinets_repo, "cabinets/broken.yaml")
    finally:
        broken.unlink()
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Failed" in result.stdout
    assert "cabinets/broken.yaml:31:13 error [rpps-checksum]" in result.stdout


def test_the_hook_checks_a_new_file_against_the_whole_folder(cabinets_repo: Path) -> None:
    twin = cabinets_repo / "cabinets" / "zz-twin.yaml"
    text = (cabinets_repo / "cabinets" / "cabinet-des-lilas.yaml").read_text(encoding="utf-8")
    twin.write_text(text.replace("cabinet-des-lilas-93260", "cabinet-twin-93260"), encoding="utf-8")
    try:
        result = try_repo(cabinets_repo, "cabinets/zz-twin.yaml")
    finally:
        twin.unlink()
    assert result.returncode == 1, result.stdout + result.stderr
    assert "[address-duplicate] address cabinet-des-lilas.93260@demo.mssante.fr is already defined in " in result.stdout
