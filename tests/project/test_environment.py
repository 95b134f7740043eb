"""`${VAR}` references to the environment in balprov.yaml: resolved at load time, in any string value."""

from __future__ import annotations

from pathlib import Path

import pytest

from balprov.errors import ConfigError
from balprov.project import load_project
from balprov.project.environment import interpolate

SECRET = "Fake-Pw-7c1e9b2d"
HEAD = "version: 1\noperators:\n  - id: demo\n    domain: demo.mssante.fr\n"


def write(root: Path, text: str) -> Path:
    path = root / "balprov.yaml"
    path.write_text(text, encoding="utf-8")
    return path


PROJECT = """\
version: 1
operators:
  - id: ${OPERATOR_ID}
    domain: ${OPERATOR_DOMAIN}
    provider:
      type: local
      path: ${STATE_DIR}/operator.db
state:
  backend: postgres
  dsn: postgresql://balprov:${DB_PASSWORD}@db.example:5432/balprov?application_name=$${literal}
"""


def test_references_are_resolved_in_every_string(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, PROJECT)
    for name, value in {
        "OPERATOR_ID": "demo",
        "OPERATOR_DOMAIN": "demo.mssante.fr",
        "STATE_DIR": "shared",
        "DB_PASSWORD": SECRET,
    }.items():
        monkeypatch.setenv(name, value)
    project = load_project(None, tmp_path)
    assert list(project.operators) == ["demo"]
    assert project.operators["demo"].domain == "demo.mssante.fr"
    assert project.operators["demo"].provider["path"] == "shared/operator.db"
    assert project.state_backend == "postgres"
    assert project.state_dsn == f"postgresql://balprov:{SECRET}@db.example:5432/balprov?application_name=${{literal}}"


@pytest.mark.parametrize(
    ("text", "env", "expected"),
    [
        ("a${X}b${Y}c", {"X": "1", "Y": "2"}, "a1b2c"),
        ("$${X}", {}, "${X}"),
        ("$$${X}", {"X": "v"}, "$${X}"),  # the first $${ found is the escape
        ("cost: $5, $$ and $X", {}, "cost: $5, $$ and $X"),
        ("${EMPTY}", {"EMPTY": ""}, ""),
        ("${X}", {"X": "${Y}"}, "${Y}"),  # a value is never interpolated again
    ],
)
def test_the_reference_syntax(text: str, env: dict[str, str], expected: str) -> None:
    result = interpolate({"k": [text]}, "balprov.yaml", lambda pointer: (1, 1), env)
    assert result.data == {"k": [expected]}
    assert result.substituted == ({} if expected == text else {"/k/0": expected})


def test_keys_are_not_interpolated() -> None:
    result = interpolate({"${X}": "${X}"}, "balprov.yaml", lambda pointer: (1, 1), {"X": "v"})
    assert result.data == {"${X}": "v"}


def test_a_missing_variable_names_the_file_the_line_and_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, PROJECT)
    for name in ("OPERATOR_ID", "OPERATOR_DOMAIN", "STATE_DIR"):
        monkeypatch.setenv(name, "demo.mssante.fr" if name == "OPERATOR_DOMAIN" else "demo")
    monkeypatch.delenv("DB_PASSWORD", raising=False)
    with pytest.raises(ConfigError) as refused:
        load_project(None, tmp_path)
    assert str(refused.value) == (
        "balprov.yaml:10:8: environment variable DB_PASSWORD is not set (referenced as ${DB_PASSWORD}); "
        "set it, or write $${ for a literal ${"
    )
    assert refused.value.exit_code == 2


def test_with_config_the_message_names_the_given_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = write(tmp_path, "version: 1\noperators:\n  - id: ${NOPE_NOT_SET}\n    domain: demo.mssante.fr\n")
    monkeypatch.delenv("NOPE_NOT_SET", raising=False)
    with pytest.raises(ConfigError, match=rf"^{config}:3:9: environment variable NOPE_NOT_SET is not set"):
        load_project(config, tmp_path)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("${UNCLOSED", "unterminated environment reference ${"),
        ("${1ABC}", "invalid environment reference ${1ABC}"),
        ("${A-B}", "invalid environment reference ${A-B}"),
        ("${}", "invalid environment reference ${}"),
    ],
)
def test_malformed_references_are_config_errors(tmp_path: Path, value: str, message: str) -> None:
    write(tmp_path, f"version: 1\noperators:\n  - id: demo\n    domain: demo.mssante.fr\nstate:\n  path: '{value}'\n")
    with pytest.raises(ConfigError, match=r"^balprov\.yaml:6:9: " + message.replace("$", r"\$").replace("{", r"\{")):
        load_project(None, tmp_path)


def test_a_schema_error_never_echoes_a_substituted_value(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKEND", SECRET)
    write(tmp_path, HEAD + "state:\n  backend: ${BACKEND}\n")
    with pytest.raises(ConfigError) as refused:
        load_project(None, tmp_path)
    message = str(refused.value)
    assert SECRET not in message
    assert message.startswith("balprov.yaml:6:12: the value substituted from the environment is not one of")


def test_a_schema_error_about_a_mapping_hides_the_values_inside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DB_PASSWORD", SECRET)
    write(
        tmp_path,
        "version: 1\noperators:\n  - id: demo\n    domain: demo.mssante.fr\n"
        "state: [postgresql://balprov:${DB_PASSWORD}@db/state]\n",
    )
    with pytest.raises(ConfigError) as refused:
        load_project(None, tmp_path)
    assert SECRET not in str(refused.value)


def test_a_file_without_references_is_loaded_as_before(tmp_path: Path) -> None:
    write(tmp_path, HEAD + "# $schema and ${NOT} in a comment\n")
    assert load_project(None, tmp_path).state_backend == "sqlite"
