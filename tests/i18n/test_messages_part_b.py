"""Part B's messages in French through the real code paths: the state, balprov.yaml, `balprov new`, the
Annuaire Santé extraction reader and the local provider. English is the source text, checked elsewhere."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from balprov.errors import BalprovError, ConfigError
from balprov.exports.extraction import COLUMN_COUNT, HEADER, SEPARATOR
from balprov.exports.extraction_reader import scan
from balprov.i18n import set_language
from balprov.project import load_project
from balprov.providers.base import ProviderError
from balprov.providers.local import LocalProvider
from balprov.scaffold.draft import DraftError, parse_cotitulaire, postal_code_problem
from balprov.scaffold.prompts import ClickPrompter
from balprov.state import StateLockedError
from balprov.state.sqlite import SqliteState
from newcomer.conftest import BALPROV, child_env
from newcomer.terminal import Terminal


@pytest.fixture
def french() -> Iterator[None]:
    set_language("fr")
    try:
        yield
    finally:
        set_language("en")


@pytest.fixture
def terminal() -> Iterator[list[Terminal]]:
    """The terminals started by a test (as tests/newcomer's fixture), closed at its end."""
    started: list[Terminal] = []
    yield started
    for session in started:
        session.close()


# -- the state ------------------------------------------------------------------------------------------


def test_a_locked_state_says_who_holds_it_in_french(tmp_path: Path, french: None) -> None:
    path = tmp_path / "state.db"
    with SqliteState(path, display="state.db") as holder, SqliteState(path, display="state.db") as other:
        lock = holder.acquire_lock("apply", 5)
        with pytest.raises(StateLockedError) as refused:
            other.acquire_lock("apply", 0)
    message = str(refused.value)
    assert message.startswith("state.db : l'état est verrouillé : verrou ")
    assert f"détenu par {lock.who}@{lock.host} (pid {os.getpid()}) pour apply depuis" in message
    assert f"supprimez le verrou avec `balprov force-unlock {lock.lock_id}`." in message


def test_force_unlock_of_an_unknown_lock_in_french(tmp_path: Path, french: None) -> None:
    with SqliteState(tmp_path / "state.db") as state, pytest.raises(BalprovError) as refused:
        state.force_unlock("1234")
    assert str(refused.value) == "aucun verrou 1234 n'est détenu ; l'état n'est pas verrouillé"


# -- balprov.yaml ---------------------------------------------------------------------------------------


def test_a_config_error_keeps_its_file_and_line_in_french(tmp_path: Path, french: None) -> None:
    (tmp_path / "balprov.yaml").write_text(
        "version: 1\noperators:\n  - id: demo\n    domain: demo.mssante.fr\n  - id: demo\n    domain: b.mssante.fr\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as refused:
        load_project(None, tmp_path)
    assert str(refused.value) == "balprov.yaml:5:9: l'identifiant d'opérateur 'demo' est déclaré deux fois"


def test_an_unset_environment_variable_in_french(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, french: None) -> None:
    monkeypatch.delenv("BALPROV_TEST_UNSET", raising=False)
    (tmp_path / "balprov.yaml").write_text(
        "version: 1\noperators:\n  - id: ${BALPROV_TEST_UNSET}\n    domain: demo.mssante.fr\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError) as refused:
        load_project(None, tmp_path)
    assert str(refused.value) == (
        "balprov.yaml:3:9: la variable d'environnement BALPROV_TEST_UNSET n'est pas définie "
        "(référencée par ${BALPROV_TEST_UNSET}) ; définissez-la, ou écrivez $${ pour obtenir ${ tel quel"
    )


def test_a_schema_error_in_balprov_yaml_is_not_left_in_english(tmp_path: Path, french: None) -> None:
    """jsonschema speaks English only: in French, balprov.yaml gets the words validate uses for cabinet files."""
    (tmp_path / "balprov.yaml").write_text(
        "version: 1\noperators:\n  - id: demo\n    provider:\n      type: local\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError) as refused:
        load_project(None, tmp_path)
    message = str(refused.value)
    assert message.startswith("balprov.yaml:3:5: ") and "'domain'" in message
    assert "required property" not in message


def test_a_translated_schema_error_never_quotes_a_substituted_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, french: None
) -> None:
    monkeypatch.setenv("BALPROV_TEST_BACKEND", "Fake-Pw-" + "x" * 80)  # longer than a quoted value is cut at
    (tmp_path / "balprov.yaml").write_text(
        "version: 1\noperators:\n  - id: demo\n    domain: demo.mssante.fr\n"
        "state:\n  backend: ${BALPROV_TEST_BACKEND}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as refused:
        load_project(None, tmp_path)
    assert str(refused.value) == (
        "balprov.yaml:6:12: une valeur substituée depuis l'environnement n'est pas valide ici"
    )


# -- balprov new --------------------------------------------------------------------------------------


def test_draft_checks_in_french(french: None) -> None:
    assert postal_code_problem("9326") == "'9326' n'est pas un code postal à cinq chiffres (par ex. 93260)"
    with pytest.raises(DraftError) as refused:
        parse_cotitulaire("10107592585,Martin")
    assert str(refused.value).startswith("un cotitulaire s'écrit RPPS,LastName,FirstName,ProfessionCode")


def test_prompts_say_the_problem_and_ask_again_in_french(french: None) -> None:
    with CliRunner().isolation(input="9326\n93260\npeut-être\noui\n") as (_out, err, _both):
        answer = ClickPrompter().ask("Code postal", check=postal_code_problem)
        confirmed = ClickPrompter().confirm("Ajouter un autre cotitulaire ?")
        shown = err.getvalue().decode("utf-8")
    assert answer == "93260" and confirmed is True
    assert "Erreur : '9326' n'est pas un code postal à cinq chiffres (par ex. 93260)" in shown
    assert "Ajouter un autre cotitulaire ? [o/N]: " in shown
    assert "Erreur : saisie invalide" in shown


LILAS_BUT_THE_POSTAL_CODE = [
    "--structure-type",
    "cabinet-medical",
    "--structure-name",
    "Cabinet des Lilas",
    "--city",
    "Les Lilas",
    "--address-line",
    "12 rue de Paris",
    "--usage",
    "Comptes rendus",
    "--cotitulaire",
    "10107592585,Martin,Anne,10,principal",
]


def test_interactive_new_in_french_on_a_terminal(tmp_path: Path, terminal: list[Terminal]) -> None:
    """The language comes from the environment (LANGUAGE), as a user's shell sets it."""
    (tmp_path / "balprov.yaml").write_text(
        "version: 1\noperators:\n  - id: demo\n    domain: demo.mssante.fr\n", encoding="utf-8"
    )
    (tmp_path / "cabinets").mkdir()
    session = Terminal([*BALPROV, "new", *LILAS_BUT_THE_POSTAL_CODE], tmp_path, child_env(LANGUAGE="fr"))
    terminal.append(session)
    session.expect(r": $")  # the postal code, the first thing the flags leave out
    session.send_line("9326")
    session.expect(r"Erreur : '9326' n'est pas un code postal à cinq chiffres \(par ex\. 93260\)")
    session.send_line("93260")
    for _default in range(2):  # the name shown and the address: their suggestions are taken
        session.expect(r"\]: ")
        session.send_line("")
    session.expect(r"\? \[o/N\]: ")  # a délégataire? answered in French
    session.send_line("non")
    assert session.wait() == 0, session.output
    assert (tmp_path / "cabinets/cabinet-des-lilas-93260.yaml").is_file()


# -- the Annuaire Santé extraction and the local provider ---------------------------------------------------


def test_malformed_extraction_lines_are_described_in_french(french: None) -> None:
    good = SEPARATOR.join(["CAB", "a@demo.mssante.fr", *[""] * (COLUMN_COUNT - 2)]).encode("utf-8")
    not_utf8 = good.replace(b"a@", b"\xe9@")  # Latin-1, as an export mangled by a spreadsheet would be
    raw = b"\n".join([HEADER.encode("utf-8"), good, b"CAB|b@demo.mssante.fr", b"", not_utf8]) + b"\n"
    result = scan(io.BytesIO(raw), "extraction.txt", frozenset({"demo.mssante.fr"}))
    problems = {m.line: m.problem for m in result.malformed}
    assert problems == {
        3: "2 colonnes au lieu de 31",
        4: "0 colonne au lieu de 31",
        5: "pas en UTF-8 (octet 5 de la ligne)",
    }


def test_the_local_provider_refuses_a_mailbox_of_another_state_in_french(tmp_path: Path, french: None) -> None:
    definition = {"name": "lilas", "address": "lilas@demo.mssante.fr", "displayName": "Lilas"}
    with LocalProvider(tmp_path / "operator.db", "lineage-a") as first:
        first.create(definition)
    with LocalProvider(tmp_path / "operator.db", "lineage-b") as second, pytest.raises(ProviderError) as refused:
        second.create(definition)
    assert str(refused.value) == (
        "impossible de créer lilas@demo.mssante.fr : elle existe chez l'opérateur et n'a pas été créée par cet "
        "état balprov ; balprov refuse de la reprendre (elle appartient à l'état de lignée lineage-a)"
    )
