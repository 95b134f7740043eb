"""The language is chosen from --lang or the environment, and only the words change with it: rule slugs, JSON
keys, exit codes and file positions are the same in English and in French."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from balprov.i18n import _, detect_language, language, set_language
from clirun import Result, run_in_process

REPO = Path(__file__).resolve().parents[2]
MIXED = REPO / "tests" / "fixtures" / "mixed"


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "en"),
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LANG": "fr_CA"}, "fr"),
        ({"LC_MESSAGES": "fr_FR.UTF-8", "LANG": "en_US.UTF-8"}, "fr"),
        ({"LC_ALL": "fr_FR.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, "fr"),
        ({"LANGUAGE": "fr:en", "LANG": "en_US.UTF-8"}, "fr"),
        ({"LANGUAGE": "de:fr", "LANG": "en_US.UTF-8"}, "fr"),  # the first language of the list with a catalog
        ({"LANG": "C"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LC_ALL": "POSIX", "LANG": "fr_FR.UTF-8"}, "en"),  # LC_ALL outranks LANG, even to say "no language"
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LANGUAGE": "", "LANG": "fr_FR@euro"}, "fr"),  # an empty variable is not set
    ],
)
def test_the_environment_chooses_the_language(environ: dict[str, str], expected: str) -> None:
    assert detect_language(environ) == expected


def test_set_language_switches_the_catalog() -> None:
    set_language("fr_FR.UTF-8")
    assert language() == "fr"
    assert _("Output format.") == "Format de sortie."
    set_language("en")
    assert _("Output format.") == "Output format."


def run(capsys: pytest.CaptureFixture[str], *args: str) -> Result:
    return run_in_process(capsys, args)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the mixed fixture (a clean file, rule errors, a syntax error, a schema error)."""
    shutil.copytree(MIXED, tmp_path / "mixed", ignore=shutil.ignore_patterns(".balprov"))
    monkeypatch.chdir(tmp_path / "mixed")
    monkeypatch.setenv("NO_COLOR", "1")
    return tmp_path / "mixed"


def test_an_unknown_option_is_reported_in_french_with_lang_fr(capsys: pytest.CaptureFixture[str]) -> None:
    result = run(capsys, "--lang", "fr", "validate", "--no-such-option")
    assert result.code == 2
    assert "Erreur : Option inconnue : '--no-such-option'." in result.err
    assert "Utilisation : balprov validate [OPTIONS]" in result.err
    assert "Essayez 'balprov validate --help' pour l'aide." in result.err


def test_lang_applies_before_help_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    result = run(capsys, "--lang", "fr", "validate", "--help")
    assert result.code == 0
    assert "Vérifier les fichiers de cabinet selon le schéma" in result.out
    assert "Exemple :" in result.out
    assert "Afficher ce message et quitter." in result.out
    root = run(capsys, "--lang", "fr", "--help")
    assert "Langue des messages" in root.out
    assert "Commandes:" in root.out  # click's section title, from our catalog


def test_lang_after_help_still_applies(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--help", "--lang", "fr").out.startswith("Utilisation : balprov [OPTIONS]")
    assert run(capsys, "--lang=fr", "explain", "nope").err.startswith("balprov : règle inconnue 'nope'")


def test_a_commands_own_lang_option_is_not_the_message_language(capsys: pytest.CaptureFixture[str]) -> None:
    """`notice … --lang fr` chooses the notice's template, not the language of balprov's messages."""
    result = run(capsys, "notice", "patients", "--help", "--lang", "fr")
    assert "Inform patients" in result.out


def test_help_stays_english_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    result = run(capsys, "validate", "--help")
    assert "Check cabinet files against the schema" in result.out
    assert "Show this message and exit." in result.out


def test_lang_rejects_a_language_without_a_catalog(capsys: pytest.CaptureFixture[str]) -> None:
    result = run(capsys, "--lang", "de", "validate")
    assert result.code == 2
    assert "--lang" in result.err


def test_lang_environment_variable_chooses_french_in_process(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LC_ALL")
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    result = run(capsys, "validate", "--no-cache")
    assert result.code == 1
    assert "le RPPS 10001045368 échoue au contrôle de Luhn : un chiffre est faux" in result.out
    assert result.out.rstrip().endswith("4 fichiers vérifiés : 5 erreurs, 1 avertissement")


def test_the_language_never_changes_keys_slugs_positions_or_exit_codes(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    english = run(capsys, "validate", "--no-cache", "--format", "json")
    french = run(capsys, "--lang", "fr", "validate", "--no-cache", "--format", "json")
    assert english.code == french.code == 1
    en, fr = json.loads(english.out), json.loads(french.out)
    assert en.keys() == fr.keys() and en["summary"] == fr["summary"]

    def shape(report: dict[str, list[dict[str, object]]]) -> list[tuple[object, ...]]:
        return [tuple((key, value) for key, value in d.items() if key != "message") for d in report["diagnostics"]]

    assert shape(en) == shape(fr)
    messages = {
        d["rule"]: (e["message"], d["message"]) for e, d in zip(en["diagnostics"], fr["diagnostics"], strict=True)
    }
    assert messages["rpps-checksum"] == (
        "RPPS 10001045368 fails the Luhn check: a digit is wrong",
        "le RPPS 10001045368 échoue au contrôle de Luhn : un chiffre est faux",
    )


def test_a_subprocess_with_a_french_locale_speaks_french(project: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key not in ("LC_ALL", "LANGUAGE", "LC_MESSAGES")}
    env["LANG"] = "fr_FR.UTF-8"  # no such locale needs to be installed: only the name is read
    env["NO_COLOR"] = "1"

    def validate() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "balprov", "validate", "--no-cache", "cabinets/b-rules.yaml"],
            capture_output=True,
            text=True,
            env=env,
            cwd=project,
            check=False,
            timeout=120,
        )

    result = validate()
    assert result.returncode == 1, result.stderr
    assert "[rpps-checksum] le RPPS 10001045368 échoue au contrôle de Luhn" in result.stdout
    # the C locale of the test suite's own subprocesses reads English
    env["LC_ALL"] = "C.UTF-8"
    english = validate()
    assert "[rpps-checksum] RPPS 10001045368 fails the Luhn check" in english.stdout
