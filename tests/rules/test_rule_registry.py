"""The rules as users see them: documented modules, `balprov rules`, `balprov explain`, and the severity
overrides of balprov.yaml, checked against the contract (docs: /spec/contract.md, "Rules")."""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import shutil
from pathlib import Path
from types import ModuleType

import pytest

import balprov.rules
from balprov.cli import main
from balprov.rules import RULES

from .casefile import CASES, CONFIG, TODAY, header

# The contract's table of rules: stable slug -> default severity.
CONTRACT = {
    "yaml-syntax": "error",
    "yaml-duplicate-key": "error",
    "yaml-unsafe": "error",
    "schema": "error",
    "rpps-checksum": "error",
    "cotitulaires-max": "error",
    "principal-count": "error",
    "rpps-duplicate": "error",
    "delegation-unknown": "error",
    "double-role": "error",
    "operator-unknown": "error",
    "address-domain": "error",
    "address-syntax": "error",
    "finess-present": "error",
    "validity-window": "error",
    "delegation-expired": "warning",
    "name-geo-hint": "warning",
    "address-duplicate": "error",
    "name-duplicate": "error",
    "name-confusable": "warning",
    "onboarding-incomplete": "warning",
}
LOADER_SLUGS = {"yaml-syntax", "yaml-duplicate-key", "yaml-unsafe", "schema"}


def rule_modules() -> list[ModuleType]:
    names = sorted(info.name for info in pkgutil.iter_modules(balprov.rules.__path__) if info.name != "base")
    return [importlib.import_module(f"balprov.rules.{name}") for name in names]


MODULES = rule_modules()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`balprov ARGS` in this process: (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else 0), out, err


# --- the rule modules --------------------------------------------------------------------------------


def test_the_registry_holds_exactly_the_contract_slugs_with_their_default() -> None:
    assert {slug: rule.level.value for slug, rule in RULES.items()} == CONTRACT


def test_every_rule_module_is_registered_and_named_after_its_slug() -> None:
    assert {module.ID for module in MODULES} == set(CONTRACT) - LOADER_SLUGS
    for module in MODULES:
        assert module.__name__.rsplit(".", 1)[1].replace("_", "-") == module.ID, module.__name__
        assert CONTRACT[module.ID] == module.LEVEL, module.__name__
        assert RULES[module.ID].doc == (module.__doc__ or "").strip()


@pytest.mark.parametrize("module", MODULES, ids=[m.ID for m in MODULES])
def test_every_rule_module_has_a_docstring_with_a_passing_and_a_failing_example(module: ModuleType) -> None:
    doc = (module.__doc__ or "").strip()
    summary, _, body = doc.partition("\n\n")
    assert summary and "\n" not in summary, "a one-line summary first"
    passing = re.search(r"^Passing\b[^\n]*:(.*?)^Failing\b[^\n]*:(.*)$", body, re.M | re.S)
    assert passing is not None, "a 'Passing' then a 'Failing' section"
    for section in passing.groups():
        assert section.strip(), "each section has an example"


def test_every_rule_module_checks_something() -> None:
    for module in MODULES:
        assert callable(getattr(module, "check", None)) != callable(getattr(module, "check_project", None))


# --- balprov rules / explain -------------------------------------------------------------------------


def test_balprov_rules_lists_every_contract_slug_with_its_default_severity(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--config", str(CONFIG), "rules", "--format", "json")
    assert code == 0
    rows = json.loads(out)["rules"]
    assert {row["rule"]: row["default"] for row in rows} == CONTRACT
    assert {row["rule"]: row["severity"] for row in rows} == CONTRACT  # the cases' project overrides none
    assert len(rows) == len(CONTRACT)


def test_balprov_rules_text_shows_each_slug_and_its_severity(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--config", str(CONFIG), "rules")
    assert code == 0
    listed = {line.split()[0]: line.split()[1] for line in out.splitlines() if line.strip()}
    assert listed == CONTRACT


def test_balprov_rules_shows_the_projects_overrides(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    config = tmp_path / "balprov.yaml"
    config.write_text(CONFIG.read_text(encoding="utf-8") + "rules:\n  name-geo-hint: 'off'\n", encoding="utf-8")
    code, out, _ = run(capsys, "--config", str(config), "rules", "--format", "json")
    assert code == 0
    row = next(row for row in json.loads(out)["rules"] if row["rule"] == "name-geo-hint")
    assert (row["default"], row["severity"]) == ("warning", "off")


def test_explain_prints_the_rules_docstring(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "explain", "rpps-checksum")
    assert (code, err) == (0, "")
    doc = (importlib.import_module("balprov.rules.rpps_checksum").__doc__ or "").strip()
    assert doc in out
    assert out.splitlines()[0].startswith("rpps-checksum")
    assert "Passing" in out and "Failing" in out


@pytest.mark.parametrize(
    ("slug", "hint"),
    [
        ("rpps-cheksum", "did you mean 'rpps-checksum'?"),
        ("name-confusible", "did you mean 'name-confusable'?"),
        ("nope", "see `balprov rules`"),
    ],
)
def test_explain_an_unknown_rule_exits_2_with_a_hint(capsys: pytest.CaptureFixture[str], slug: str, hint: str) -> None:
    code, out, err = run(capsys, "explain", slug)
    assert code == 2
    assert out == ""
    assert f"unknown rule {slug!r}" in err
    assert hint in err
    assert "Traceback" not in err


# --- severity overrides in balprov.yaml --------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project in tmp_path (the current folder) whose one cabinet has two warnings and nothing else:
    name-geo-hint (line 12) and onboarding-incomplete (line 48)."""
    (tmp_path / "cabinets").mkdir()
    text = (CASES / "name-geo-hint" / "fail.yaml").read_text(encoding="utf-8")
    assert text.count("partnersNotified: true") == 1
    text = text.replace("partnersNotified: true", "partnersNotified: false")
    (tmp_path / "cabinets" / "cabinet.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write_config(project: Path, rules: str) -> None:
    (project / "balprov.yaml").write_text(CONFIG.read_text(encoding="utf-8") + rules, encoding="utf-8")


def validate_json(capsys: pytest.CaptureFixture[str]) -> tuple[int, list[tuple[str, str]]]:
    code, out, err = run(capsys, "validate", "--format", "json", "--today", TODAY)
    assert err == ""
    return code, [(d["rule"], d["severity"]) for d in json.loads(out)["diagnostics"]]


def test_without_overrides_both_are_warnings(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_config(project, "")
    assert validate_json(capsys) == (0, [("name-geo-hint", "warning"), ("onboarding-incomplete", "warning")])


def test_a_rule_set_off_reports_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_config(project, 'rules:\n  name-geo-hint: "off"\n')
    assert validate_json(capsys) == (0, [("onboarding-incomplete", "warning")])


def test_an_unquoted_off_sets_a_rule_off(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_config(project, "rules:\n  name-geo-hint: off\n")
    assert validate_json(capsys) == (0, [("onboarding-incomplete", "warning")])


def test_a_warning_raised_to_error_fails_validation(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_config(project, "rules:\n  onboarding-incomplete: error\n")
    assert validate_json(capsys) == (1, [("name-geo-hint", "warning"), ("onboarding-incomplete", "error")])


def test_an_error_lowered_to_warning_passes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(CASES / "rpps-checksum" / "fail.yaml", project / "cabinets" / "cabinet.yaml")
    write_config(project, "rules:\n  rpps-checksum: warning\n  name-geo-hint: 'off'\n  onboarding-incomplete: 'off'\n")
    assert validate_json(capsys) == (0, [("rpps-checksum", "warning"), ("rpps-checksum", "warning")])


def test_an_unknown_slug_in_balprov_yaml_exits_2_naming_the_file_and_line(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(project, "rules:\n  name-geo-hint: warning\n  rpps-checksun: error\n")
    line = (project / "balprov.yaml").read_text(encoding="utf-8").splitlines().index("  rpps-checksun: error") + 1
    code, out, err = run(capsys, "validate", "--today", TODAY)
    assert code == 2
    assert out == ""
    assert f"balprov.yaml:{line}:3:" in err
    assert "'rpps-checksun'" in err
    assert "Traceback" not in err


# --- the JSON report of the contract, for one case ---------------------------------------------------


def test_validate_json_reports_a_case_at_its_declared_positions(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    case = CASES / "rpps-checksum" / "fail.yaml"
    monkeypatch.chdir(CASES)
    code, out, _ = run(capsys, "validate", "--format", "json", "--today", TODAY, "rpps-checksum/fail.yaml")
    assert code == 1
    report = json.loads(out)
    assert [(d["file"], d["line"], d["column"], d["rule"]) for d in report["diagnostics"]] == [
        ("rpps-checksum/fail.yaml", line, column, rule) for line, column, rule in header(case)
    ]
    assert report["summary"] == {"files": 1, "errors": 2, "warnings": 0}
    assert [d["path"] for d in report["diagnostics"]] == ["/spec/cotitulaires/1/rpps", "/spec/delegataires/1/rpps"]
