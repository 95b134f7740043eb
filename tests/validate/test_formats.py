"""The shapes of validate's machine formats: json as the contract fixes it, JUnit XML, SARIF 2.1.0 and
GitHub workflow commands (escaped as @actions/core escapes them)."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from functools import cache
from typing import Any

import pytest

from balprov.diagnostics import Diagnostic, Severity
from balprov.reporters import REPORTERS, ReporterSettings
from balprov.validation import ValidationReport

from .support import MIXED, TODAY, run_balprov

MIXED_FILES = ["cabinets/a-valid.yaml", "cabinets/b-rules.yaml", "cabinets/c-syntax.yaml", "cabinets/d-schema.yaml"]
DIAGNOSTIC_KEYS = {"file": str, "line": int, "column": int, "rule": str, "severity": str, "message": str, "path": str}


@cache
def output(output_format: str) -> str:
    result = run_balprov("validate", "--today", TODAY, "--format", output_format, cwd=MIXED)
    assert result.returncode == 1, result.stderr
    return result.stdout


def render(output_format: str, report: ValidationReport, **settings: Any) -> str:
    out = io.StringIO()
    REPORTERS[output_format](ReporterSettings(**settings)).render(report, out)
    return out.getvalue()


def diagnostic(file: str = "cabinets/x.yaml", severity: Severity = Severity.ERROR, **fields: Any) -> Diagnostic:
    values: dict[str, Any] = {"line": 3, "column": 5, "rule": "rpps-checksum", "message": "m", "path": "/spec"}
    values.update(fields)
    return Diagnostic(
        file, values["line"], values["column"], values["rule"], severity, values["message"], values["path"]
    )


# json ---------------------------------------------------------------------------------------------------


def test_json_has_exactly_the_contract_keys_and_types() -> None:
    body = json.loads(output("json"))
    assert list(body) == ["version", "diagnostics", "summary"]
    assert body["version"] == 1 and type(body["version"]) is int
    assert isinstance(body["diagnostics"], list) and body["diagnostics"]
    for item in body["diagnostics"]:
        assert set(item) == set(DIAGNOSTIC_KEYS)
        for key, kind in DIAGNOSTIC_KEYS.items():
            assert type(item[key]) is kind, (key, item)
        assert item["line"] >= 1 and item["column"] >= 1
        assert item["severity"] in ("error", "warning")
        assert item["path"] == "" or item["path"].startswith("/")
    summary = body["summary"]
    assert set(summary) == {"files", "errors", "warnings"}
    assert all(type(value) is int for value in summary.values())
    severities = [item["severity"] for item in body["diagnostics"]]
    assert summary == {"files": 4, "errors": severities.count("error"), "warnings": severities.count("warning")}


def test_json_points_at_the_offending_values() -> None:
    found = {
        (d["file"], d["rule"]): (d["line"], d["column"], d["path"]) for d in json.loads(output("json"))["diagnostics"]
    }
    assert found == {
        ("cabinets/b-rules.yaml", "address-domain"): (7, 12, "/spec/address"),
        ("cabinets/b-rules.yaml", "rpps-checksum"): (29, 13, "/spec/cotitulaires/1/rpps"),
        ("cabinets/b-rules.yaml", "delegation-unknown"): (43, 36, "/spec/delegataires/0/delegatedBy/1"),
        ("cabinets/b-rules.yaml", "onboarding-incomplete"): (46, 23, "/spec/onboarding/partnersNotified"),
        ("cabinets/c-syntax.yaml", "yaml-syntax"): (17, 5, ""),
        ("cabinets/d-schema.yaml", "schema"): (10, 3, "/spec/telephone"),
    }


# junit --------------------------------------------------------------------------------------------------


def test_junit_has_one_test_case_per_file_failed_when_it_has_errors() -> None:
    root = ET.fromstring(output("junit"))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 1
    suite = suites[0]
    cases = suite.findall("testcase")
    assert [case.get("name") for case in cases] == MIXED_FILES
    assert suite.get("tests") == root.get("tests") == "4"
    assert suite.get("failures") == root.get("failures") == "3"
    failed = {case.get("name"): case.find("failure") for case in cases}
    assert failed["cabinets/a-valid.yaml"] is None
    for name in MIXED_FILES[1:]:
        failure = failed[name]
        assert failure is not None and failure.text, name
        assert all(line.startswith(f"{name}:") for line in failure.text.splitlines())
    b_rules = failed["cabinets/b-rules.yaml"]
    assert b_rules is not None
    assert b_rules.get("type") == "address-domain"
    assert (b_rules.get("message") or "").startswith("[address-domain] domain 'autre.mssante.fr'")


def test_junit_warnings_fail_only_under_strict() -> None:
    report = ValidationReport(2, [diagnostic(severity=Severity.WARNING, rule="onboarding-incomplete")])
    files = ("cabinets/x.yaml", "cabinets/y.yaml")
    for strict, failures in ((False, "0"), (True, "1")):
        root = ET.fromstring(render("junit", report, strict=strict, files=files))
        suite = root.find("testsuite")
        assert suite is not None and suite.get("failures") == failures
        case = suite.find("testcase[@name='cabinets/x.yaml']")
        assert case is not None
        assert (case.find("failure") is not None) == strict
        if not strict:
            out = case.find("system-out")
            assert out is not None and "onboarding-incomplete" in (out.text or "")


def test_junit_stays_parseable_with_control_characters_and_markup() -> None:
    message = "id 'a\x01b' <is> \"odd\" & \x1b[31mred\x00"
    report = ValidationReport(1, [diagnostic(file="cabinets/<&>.yaml", message=message)])
    root = ET.fromstring(render("junit", report))
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("message") == "[rpps-checksum] id 'a\\x01b' <is> \"odd\" & \\x1b[31mred\\x00"
    case = root.find("testsuite/testcase")
    assert case is not None and case.get("name") == "cabinets/<&>.yaml"


# sarif --------------------------------------------------------------------------------------------------


def test_sarif_is_2_1_0_with_the_rules_and_positioned_results() -> None:
    body = json.loads(output("sarif"))
    diagnostics = json.loads(output("json"))["diagnostics"]
    assert body["version"] == "2.1.0"
    assert "sarif" in body["$schema"] and "2.1.0" in body["$schema"]
    assert len(body["runs"]) == 1
    run = body["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "balprov"
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert len(rule_ids) == len(set(rule_ids))
    results = run["results"]
    assert len(results) == len(diagnostics)
    for result, d in zip(results, diagnostics, strict=True):
        assert result["ruleId"] == d["rule"]
        assert rule_ids[result["ruleIndex"]] == d["rule"]
        assert result["level"] == d["severity"]
        assert result["message"]["text"] == d["message"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == d["file"]
        assert physical["region"] == {"startLine": d["line"], "startColumn": d["column"]}
    assert {r["ruleId"] for r in results} == {
        "address-domain",
        "rpps-checksum",
        "delegation-unknown",
        "onboarding-incomplete",
        "yaml-syntax",
        "schema",
    }
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note", "none")


def test_sarif_levels_follow_strict() -> None:
    report = ValidationReport(1, [diagnostic(severity=Severity.WARNING, rule="name-geo-hint")])
    assert json.loads(render("sarif", report))["runs"][0]["results"][0]["level"] == "warning"
    assert json.loads(render("sarif", report, strict=True))["runs"][0]["results"][0]["level"] == "error"


# github -------------------------------------------------------------------------------------------------

COMMAND = re.compile(r"::(error|warning) file=([^,:]+),line=(\d+),col=(\d+),title=([^,:]+)::(.+)")


def test_github_prints_one_workflow_command_per_diagnostic_then_a_summary() -> None:
    lines = output("github").splitlines()
    diagnostics = json.loads(output("json"))["diagnostics"]
    assert len(lines) == len(diagnostics) + 1
    for line, d in zip(lines[:-1], diagnostics, strict=True):
        match = COMMAND.fullmatch(line)
        assert match, line
        assert match.groups() == (
            d["severity"],
            d["file"],
            str(d["line"]),
            str(d["column"]),
            f"balprov [{d['rule']}]",
            d["message"],
        )
    assert lines[-1] == "balprov: 4 files checked: 5 errors, 1 warning"
    assert not lines[-1].startswith("::")


def test_github_escapes_properties_and_message_as_the_actions_toolkit_does() -> None:
    tricky = Diagnostic(
        "cabinets/a,b:c%d.yaml",
        3,
        5,
        "rpps-checksum",
        Severity.ERROR,
        "100% wrong, see: line one\nline two\r\nend",
        "/spec",
    )
    lines = render("github", ValidationReport(1, [tricky])).splitlines()
    assert lines[0] == (
        "::error file=cabinets/a%2Cb%3Ac%25d.yaml,line=3,col=5,title=balprov [rpps-checksum]"
        "::100%25 wrong, see: line one%0Aline two%0D%0Aend"
    )
    assert len(lines) == 2  # the newlines of the message did not split the command


@pytest.mark.parametrize(("strict", "command"), [(False, "warning"), (True, "error")])
def test_github_warnings_become_errors_under_strict(strict: bool, command: str) -> None:
    report = ValidationReport(1, [diagnostic(severity=Severity.WARNING, rule="name-geo-hint")])
    assert render("github", report, strict=strict).startswith(f"::{command} file=cabinets/x.yaml,")


# text ---------------------------------------------------------------------------------------------------


def test_text_summary_agrees_in_number() -> None:
    one = ValidationReport(1, [diagnostic()])
    assert render("text", one).splitlines()[-1] == "1 file checked: 1 error, 0 warnings"
    assert render("text", ValidationReport(0, [])) == "0 files checked: 0 errors, 0 warnings\n"


def test_text_and_github_never_pass_control_characters_through() -> None:
    """A hostile identifier quoted in a message must not drive the terminal or the CI log."""
    sneaky = diagnostic(file="cabinets/\x1bx.yaml", message="delegation of a\x1b[2Jb\x07 ended\x9b")
    report = ValidationReport(1, [sneaky])
    text = render("text", report)
    assert "cabinets/\\x1bx.yaml:3:5 error [rpps-checksum] delegation of a\\x1b[2Jb\\x07 ended\\x9b\n" in text
    github = render("github", report)
    assert github.splitlines()[0] == (
        "::error file=cabinets/\\x1bx.yaml,line=3,col=5,title=balprov [rpps-checksum]"
        "::delegation of a\\x1b[2Jb\\x07 ended\\x9b"
    )
    for rendered in (text, github):
        assert not any((ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) <= 0x9F for c in rendered)
