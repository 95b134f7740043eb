"""`balprov validate` as users run it: the installed command in a subprocess, its exit codes, where it finds
balprov.yaml, colour, --format auto, -o and --today. Messages go to stderr and never as a traceback
(`run_balprov` checks that on every run)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from .support import GOLDEN, MIXED, REPO, TODAY, lilas_text, make_project, run_balprov

ANSI = "\x1b["


def expiring_lilas(valid_until: str) -> str:
    """The shipped Lilas cabinet, its secretary's delegation ending on `valid_until`, onboarding complete."""
    text = lilas_text().replace("partnersNotified: false", "partnersNotified: true")
    anchor = '      delegatedBy: ["10107592585", "10001045367"]\n'
    assert anchor in text
    return text.replace(anchor, f"{anchor}      validUntil: {valid_until}\n")


@pytest.fixture
def warnings_only(tmp_path: Path) -> Path:
    """A project whose only finding is a warning (onboarding-incomplete, as shipped)."""
    return make_project(tmp_path / "project", {"lilas.yaml": lilas_text()})


# exit codes -----------------------------------------------------------------------------------------------


def test_shipped_examples_exit_0() -> None:
    result = run_balprov("validate", "--today", TODAY, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    assert result.stdout.endswith("7 files checked: 0 errors, 1 warning\n")


def test_errors_exit_1() -> None:
    result = run_balprov("validate", "--today", TODAY, "--format", "json", cwd=MIXED)
    assert result.returncode == 1
    assert json.loads(result.stdout)["summary"]["errors"] == 5
    assert result.stderr == ""


def test_one_clean_file_of_the_fixture_exits_0() -> None:
    result = run_balprov("validate", "--today", TODAY, "cabinets/a-valid.yaml", cwd=MIXED)
    assert (result.returncode, result.stdout) == (0, "1 file checked: 0 errors, 0 warnings\n")


def test_warnings_exit_0_but_1_under_strict(warnings_only: Path) -> None:
    relaxed = run_balprov("validate", "--today", TODAY, "--format", "json", cwd=warnings_only)
    assert relaxed.returncode == 0, relaxed.stderr
    assert json.loads(relaxed.stdout)["summary"] == {"files": 1, "errors": 0, "warnings": 1}
    strict = run_balprov("validate", "--today", TODAY, "--strict", cwd=warnings_only)
    assert strict.returncode == 1
    assert "warning [onboarding-incomplete]" in strict.stdout


def test_missing_path_exits_2_naming_it() -> None:
    result = run_balprov("validate", "cabinets/nope.yaml", cwd=MIXED)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == "balprov: cabinets/nope.yaml: no such file or folder\n"


@pytest.mark.parametrize(
    ("config", "position", "says"),
    [
        pytest.param(
            "version: 1\noperators:\n  - id: demo\n    domain: demo.mssante.fr\n      provider: local\n",
            "5:15",
            "[yaml-syntax] mapping values are not allowed",
            id="yaml-syntax",
        ),
        pytest.param(
            "version: 1\noperators:\n  - id: demo\n    provider:\n      type: local\n",
            "3:5",
            "'domain' is a required property",
            id="operator-without-domain",
        ),
        pytest.param(
            "version: 1\noperators:\n  - id: demo\n    domain: demo.mssante.fr\nrules:\n  rpps-checksun: warning\n",
            "6:3",
            "unknown rule 'rpps-checksun'",
            id="unknown-rule",
        ),
    ],
)
def test_broken_config_exits_2_with_its_position(tmp_path: Path, config: str, position: str, says: str) -> None:
    project = make_project(tmp_path, {"lilas.yaml": lilas_text()}, config=config)
    result = run_balprov("validate", cwd=project)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"balprov: balprov.yaml:{position}: ")
    assert says in result.stderr


def test_no_config_anywhere_exits_2(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_balprov("validate", cwd=empty)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "no balprov.yaml" in result.stderr and "--config" in result.stderr


def test_config_option_from_another_folder(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    config = str(MIXED / "balprov.yaml")
    result = run_balprov("--config", config, "validate", "--today", TODAY, "--format", "json", cwd=elsewhere)
    assert result.returncode == 1, result.stderr
    assert result.stdout == (GOLDEN / "mixed.json").read_text(encoding="utf-8")  # paths relative to balprov.yaml
    one = run_balprov(
        "--config", config, "validate", "--today", TODAY, str(MIXED / "cabinets" / "a-valid.yaml"), cwd=elsewhere
    )
    assert one.returncode == 0, one.stdout + one.stderr


def test_missing_config_option_exits_2(tmp_path: Path) -> None:
    result = run_balprov("--config", "nowhere/balprov.yaml", "validate", cwd=tmp_path)
    assert result.returncode == 2
    assert "nowhere/balprov.yaml" in result.stderr


def test_config_found_from_a_subfolder() -> None:
    result = run_balprov("validate", "--today", TODAY, "--format", "json", cwd=MIXED / "cabinets")
    assert result.returncode == 1, result.stderr
    assert result.stdout == (GOLDEN / "mixed.json").read_text(encoding="utf-8")
    one = run_balprov("validate", "--today", TODAY, "--format", "json", "b-rules.yaml", cwd=MIXED / "cabinets")
    assert {d["file"] for d in json.loads(one.stdout)["diagnostics"]} == {"cabinets/b-rules.yaml"}


def test_unknown_format_is_a_usage_error() -> None:
    result = run_balprov("validate", "--format", "yaml", cwd=MIXED)
    assert result.returncode == 2
    assert "--format" in result.stderr and result.stdout == ""


# colour, --format auto, -o --------------------------------------------------------------------------------


def test_color_flag_colours_the_text() -> None:
    result = run_balprov("validate", "--today", TODAY, "--color", cwd=MIXED)
    assert result.returncode == 1
    assert ANSI in result.stdout
    assert "\x1b[31merror\x1b[0m" in result.stdout  # red errors
    assert "\x1b[33mwarning\x1b[0m" in result.stdout  # yellow warnings


@pytest.mark.parametrize("no_color", ["1", None])
def test_no_colour_without_the_flag_outside_a_terminal(no_color: str | None) -> None:
    env = {"NO_COLOR": no_color} if no_color else {}
    result = run_balprov("validate", "--today", TODAY, cwd=MIXED, env=env)
    assert result.returncode == 1
    assert ANSI not in result.stdout
    assert result.stdout == (GOLDEN / "mixed.txt").read_text(encoding="utf-8")


def test_color_flag_wins_over_no_color() -> None:
    result = run_balprov("validate", "--today", TODAY, "--color", cwd=MIXED, env={"NO_COLOR": "1"})
    assert ANSI in result.stdout


@pytest.mark.parametrize(
    ("env", "golden"),
    [({"GITHUB_ACTIONS": "true"}, "mixed.github"), ({}, "mixed.txt"), ({"GITHUB_ACTIONS": "false"}, "mixed.txt")],
)
def test_format_auto(env: dict[str, str], golden: str) -> None:
    result = run_balprov("validate", "--today", TODAY, "--format", "auto", cwd=MIXED, env=env)
    assert result.returncode == 1
    assert result.stdout == (GOLDEN / golden).read_text(encoding="utf-8")


def test_output_option_writes_the_report_to_the_file(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    result = run_balprov("validate", "--today", TODAY, "--format", "json", "-o", str(target), cwd=MIXED)
    assert result.returncode == 1
    assert result.stdout == ""
    assert target.read_bytes() == (GOLDEN / "mixed.json").read_bytes()


def test_output_file_has_no_colour_even_with_the_flag(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    result = run_balprov("validate", "--today", TODAY, "--color", "--output", str(target), cwd=MIXED)
    assert result.returncode == 1
    assert target.read_bytes() == (GOLDEN / "mixed.txt").read_bytes()


def test_unwritable_output_exits_2(tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "report.txt"
    result = run_balprov("validate", "--today", TODAY, "-o", str(target), cwd=MIXED)
    assert result.returncode == 2
    assert result.stderr.startswith(f"balprov: {target}: cannot write the report")
    assert not target.exists()


# --today --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expired"),
    [("2026-11-29", False), ("2026-11-30", False), ("2026-12-01", True)],
)
def test_today_decides_whether_a_delegation_expired(tmp_path: Path, today: str, expired: bool) -> None:
    project = make_project(tmp_path, {"lilas.yaml": expiring_lilas("2026-11-30")})
    result = run_balprov("validate", "--today", today, "--format", "json", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr  # a warning at most
    diagnostics = json.loads(result.stdout)["diagnostics"]
    if not expired:
        assert diagnostics == []
        return
    (warning,) = diagnostics
    assert warning["rule"] == "delegation-expired"
    assert warning["severity"] == "warning"
    assert warning["path"] == "/spec/delegataires/0/validUntil"
    line = lilas_text().splitlines().index('      delegatedBy: ["10107592585", "10001045367"]') + 2
    assert (warning["line"], warning["column"]) == (line, 19)
    assert "2026-11-30" in warning["message"]
    strict = run_balprov("validate", "--today", today, "--strict", cwd=project)
    assert strict.returncode == 1


@pytest.mark.parametrize("bad", ["2026-13-01", "2026-02-30", "tomorrow", "29/11/2026"])
def test_bad_today_exits_2(bad: str) -> None:
    result = run_balprov("validate", "--today", bad, cwd=MIXED)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "--today" in result.stderr


def test_validate_writes_nothing_but_its_cache(tmp_path: Path) -> None:
    """validate never touches the definitions or the state: its only writing is .balprov/cache/, and with
    --no-cache nothing at all."""
    shutil.copytree(MIXED, tmp_path / "project", ignore=shutil.ignore_patterns(".balprov"))
    project = tmp_path / "project"
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    run_balprov("validate", "--no-cache", cwd=project)
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before
    run_balprov("validate", cwd=project)
    written = sorted(p.relative_to(project).as_posix() for p in project.rglob("*") if p.is_file() and p not in before)
    assert [name.rsplit("-", 1)[0] for name in written] == [
        ".balprov/cache/.gitignore",
        ".balprov/cache/CACHEDIR.TAG",
        ".balprov/cache/validate",
    ]
    assert {p: p.read_bytes() for p in before} == before
