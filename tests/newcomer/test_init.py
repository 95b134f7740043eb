"""`balprov init`: a ready repository that validates, plans and applies as it is."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from services.required import missing

from .conftest import REPO, Run

EXPECTED = {
    "balprov.yaml",
    "cabinets/cabinet-des-lilas-93260.yaml",
    ".gitignore",
    ".pre-commit-config.yaml",
    ".balprov-schemas/cabinet.schema.json",
    ".balprov-schemas/balprov.schema.json",
}


def files_under(root: Path) -> set[str]:
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def test_init_creates_a_repository_that_validates_plans_and_applies(workdir: Path, run: Run) -> None:
    result = run("init", "repo")
    assert result.code == 0, result.err
    root = workdir / "repo"
    assert files_under(root) >= EXPECTED
    # the next three commands, after the cd
    lines = [line.strip() for line in result.out.splitlines()]
    assert "cd repo" in lines
    next_steps = lines[lines.index("Next:") + 1 :]
    commands = [line.split("#")[0].strip() for line in next_steps if line.startswith("balprov ")]
    assert commands == ["balprov validate", "balprov plan", "balprov apply"]
    os.chdir(root)
    checked = run("validate", "--strict", "--format", "json")
    assert checked.code == 0, checked.out
    report = json.loads(checked.out)
    assert report["summary"] == {"files": 1, "errors": 0, "warnings": 0}
    assert run("plan", "--detailed-exitcode").code == 2  # one mailbox to create
    applied = run("apply", "--auto-approve")
    assert applied.code == 0, applied.err
    assert run("plan", "--detailed-exitcode").code == 0


def test_the_files_reference_the_copied_schemas_and_the_chosen_operator(workdir: Path, run: Run) -> None:
    assert run("init", "--operator-id", "mon-op", "--domain", "mon-op.mssante.fr").code == 0
    settings = (workdir / "balprov.yaml").read_text(encoding="utf-8")
    cabinet = (workdir / "cabinets/cabinet-des-lilas-93260.yaml").read_text(encoding="utf-8")
    assert settings.splitlines()[0] == "# yaml-language-server: $schema=.balprov-schemas/balprov.schema.json"
    assert cabinet.splitlines()[0] == "# yaml-language-server: $schema=../.balprov-schemas/cabinet.schema.json"
    for line, base in ((settings.splitlines()[0], workdir), (cabinet.splitlines()[0], workdir / "cabinets")):
        assert (base / line.split("$schema=", 1)[1]).is_file()
    assert (workdir / ".balprov-schemas/cabinet.schema.json").read_bytes() == (
        REPO / "schemas/cabinet.schema.json"
    ).read_bytes()
    assert yaml.safe_load(settings)["operators"] == [
        {"id": "mon-op", "domain": "mon-op.mssante.fr", "provider": {"type": "local"}}
    ]
    spec = yaml.safe_load(cabinet)["spec"]
    assert (spec["operator"], spec["address"]) == ("mon-op", "cabinet-des-lilas.93260@mon-op.mssante.fr")
    assert run("validate", "--strict").code == 0
    assert ".balprov/" in (workdir / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_init_refuses_to_replace_files_and_names_them(workdir: Path, run: Run) -> None:
    (workdir / "balprov.yaml").write_text("version: 1\n", encoding="utf-8")
    (workdir / ".pre-commit-config.yaml").write_text("repos: []\n", encoding="utf-8")
    result = run("init")
    assert result.code == 1
    assert "balprov.yaml" in result.err and ".pre-commit-config.yaml" in result.err and "--force" in result.err
    assert files_under(workdir) == {"balprov.yaml", ".pre-commit-config.yaml"}  # nothing written
    assert (workdir / "balprov.yaml").read_text(encoding="utf-8") == "version: 1\n"
    forced = run("init", "--force")
    assert forced.code == 0, forced.err
    assert "operators" in (workdir / "balprov.yaml").read_text(encoding="utf-8")


def test_init_twice_changes_nothing_and_keeps_an_existing_gitignore(workdir: Path, run: Run) -> None:
    (workdir / ".gitignore").write_text("node_modules/\n*.log", encoding="utf-8")
    assert run("init").code == 0
    assert (workdir / ".gitignore").read_text(encoding="utf-8").startswith("node_modules/\n*.log\n")
    before = {name: (workdir / name).read_bytes() for name in files_under(workdir)}
    again = run("init")
    assert again.code == 0, again.err
    assert "nothing to do" in again.out
    assert {name: (workdir / name).read_bytes() for name in files_under(workdir)} == before
    assert (workdir / ".gitignore").read_text(encoding="utf-8").count(".balprov/") == 1


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["--operator-id", "Mon Op"], "--operator-id"),
        (["--domain", "Demo.MSSante.fr"], "--domain"),
        (["--domain", "localhost"], "--domain"),
    ],
)
def test_bad_flags_are_usage_errors(workdir: Path, run: Run, args: list[str], flag: str) -> None:
    result = run("init", *args)
    assert result.code == 2
    assert flag in result.err and "Traceback" not in result.err
    assert not files_under(workdir)


def test_init_into_a_file_is_a_usage_error(workdir: Path, run: Run) -> None:
    (workdir / "taken").write_text("", encoding="utf-8")
    result = run("init", "taken")
    assert result.code == 2 and "is a file" in result.err


def test_the_pre_commit_hook_runs_balprov_validate(workdir: Path, run: Run) -> None:
    """The generated .pre-commit-config.yaml, run by the real pre-commit (a local hook: no network)."""
    pre_commit = Path(sys.executable).parent / "pre-commit"
    if not pre_commit.exists() or shutil.which("git") is None:  # pragma: no cover - the test extra has both
        missing("pre-commit or git is not installed: pip install -e '.[test]'", "`make test` installs the test extra")
    assert run("init").code == 0
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PRE_COMMIT_HOME": str(workdir / ".pre-commit-home"),
        "NO_COLOR": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }

    def sh(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(args, cwd=workdir, env=env, capture_output=True, text=True, timeout=300)

    sh("git", "init", "-q", "-b", "main")
    (workdir / ".gitignore").write_text(
        (workdir / ".gitignore").read_text(encoding="utf-8") + ".pre-commit-home/\n", encoding="utf-8"
    )
    sh("git", "add", "-A")
    passed = sh(str(pre_commit), "run", "--all-files")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "balprov validate" in passed.stdout and "Passed" in passed.stdout
    example = workdir / "cabinets/cabinet-des-lilas-93260.yaml"
    example.write_text(example.read_text(encoding="utf-8").replace("10001045367", "10001045368"), encoding="utf-8")
    sh("git", "add", "-A")
    failed = sh(str(pre_commit), "run", "--all-files")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "[rpps-checksum]" in failed.stdout


def test_a_domain_outside_mssante_is_noted(workdir: Path, run: Run) -> None:
    result = run("init", "--domain", "example.org")
    assert result.code == 0
    assert "Note: example.org does not end in .mssante.fr" in result.out
