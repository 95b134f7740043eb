"""The reference is generated from the code, and missing documentation fails it."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import ModuleType

import click
import pytest

from balprov.cli import cli
from balprov.rules import RULES

GOOD_DOC = """A rule that checks something.

Why it matters, in a paragraph.

Passing:

    rpps: "10107592585"

Failing:

    rpps: "10107592586"
"""


def test_parse_rule_doc(gen_reference: ModuleType) -> None:
    doc = gen_reference.parse_rule_doc("some-rule", "error", "file", GOOD_DOC)
    assert doc.summary == "A rule that checks something."
    assert doc.why == "Why it matters, in a paragraph."
    assert doc.passing == 'rpps: "10107592585"'
    assert doc.failing == 'rpps: "10107592586"'


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ("", "has no docstring"),
        ("Summary only.\n\nNo examples at all.", "no Passing and Failing example"),
        (GOOD_DOC.split("Failing")[0], "no Failing example"),
        (GOOD_DOC.replace("Passing:", "Good:"), "no Passing example"),
    ],
)
def test_incomplete_rule_doc_is_refused(gen_reference: ModuleType, doc: str, message: str) -> None:
    with pytest.raises(gen_reference.ReferenceIncomplete, match=message):
        gen_reference.parse_rule_doc("some-rule", "error", "file", doc)


def test_every_rule_command_and_property_is_in_the_reference(gen_reference: ModuleType) -> None:
    pages = {
        "rules": gen_reference.rules_page(),
        "commands": gen_reference.commands_page(),
        "cabinet": gen_reference.cabinet_schema_page(),
        "plan": gen_reference.plan_format_page(),
    }
    for slug in RULES:
        assert f"`{slug}`" in pages["rules"]
    for path, command in gen_reference.walk_commands(cli):
        assert f"`{' '.join(('balprov', *path))}`" in pages["commands"]
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.opts[0] in pages["commands"], (path, param.opts)
    for field in ("metadata.name", "spec.cotitulaires", "spec.onboarding.patientsInformed", "validUntil"):
        assert f"`{field}`" in pages["cabinet"]
    for definition in ("cotitulaire", "delegataire", "structure"):
        assert f"## {definition} {{#def-{definition}}}" in pages["cabinet"]
    assert "Versioning promise" in pages["plan"] and "`format_version`" in pages["plan"]


def test_removing_a_rule_docstring_fails(gen_reference: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(RULES, "rpps-checksum", dataclasses.replace(RULES["rpps-checksum"], doc=""))
    with pytest.raises(gen_reference.ReferenceIncomplete, match="rpps-checksum: its module has no docstring"):
        gen_reference.generate()


def test_removing_examples_fails(gen_reference: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    rule = RULES["double-role"]
    monkeypatch.setitem(RULES, rule.id, dataclasses.replace(rule, doc=rule.doc.split("Failing")[0]))
    with pytest.raises(gen_reference.ReferenceIncomplete, match=r"double-role: .*no Failing example"):
        gen_reference.generate()


def test_an_option_without_help_fails(gen_reference: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    option = next(p for p in cli.commands["validate"].params if isinstance(p, click.Option) and "--strict" in p.opts)
    monkeypatch.setattr(option, "help", None)
    with pytest.raises(gen_reference.ReferenceIncomplete, match="option --strict of `balprov validate` has no help"):
        gen_reference.generate()


def test_a_command_without_help_fails(gen_reference: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli.commands["explain"], "help", None)
    with pytest.raises(gen_reference.ReferenceIncomplete, match="command `balprov explain` has no help"):
        gen_reference.generate()


def test_script_exits_1_with_a_clear_message(
    gen_reference: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(RULES, "rpps-checksum", dataclasses.replace(RULES["rpps-checksum"], doc=""))
    assert gen_reference.main([str(tmp_path)]) == 1
    assert "reference incomplete: rule rpps-checksum: its module has no docstring" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_script_writes_every_page(gen_reference: ModuleType, tmp_path: Path) -> None:
    assert gen_reference.main([str(tmp_path)]) == 0
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.md"))
    assert written == sorted(gen_reference.PAGES)
    assert "balprov: 1 file checked: " in (tmp_path / "reference" / "formats.md").read_text(encoding="utf-8")
