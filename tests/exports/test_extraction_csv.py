"""`balprov export annuaire --format csv`: the Extraction_Correspondance_MSSante layout, from the state."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from balprov.exports.extraction import COLUMNS, HEADER, layout_breaker
from balprov.exports.extraction_csv import render_extraction
from balprov.exports.postal import department, parse_street, postal_columns, routing_line

from .conftest import GOLDEN, Record, Run, definition


def golden(name: str, text: str) -> str:
    path = GOLDEN / name
    if os.environ.get("BALPROV_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8", newline="")
    return path.read_text(encoding="utf-8")


def test_shipped_examples_match_the_golden_file(run: Run, applied: Path) -> None:
    result = run("export", "annuaire", "--format", "csv")
    assert result.code == 0, result.err
    assert result.out == golden("examples.csv", result.out)


def test_layout_header_separator_and_31_columns(run: Run, applied: Path) -> None:
    lines = run("export", "annuaire").out.splitlines()
    assert lines[0] == HEADER
    assert len(COLUMNS) == 31 and HEADER.count("|") == 30
    assert all(line.count("|") == 30 for line in lines)
    rows = [line.split("|") for line in lines[1:]]
    assert len(rows) == 11  # 2 + 3 + 2 + 4 x 1 cotitulaires; délégataires never
    for fields in rows:
        assert fields[0] == "CAB" and fields[2] == "8" and fields[4] == "8" + fields[3]
    lilas = [f for f in rows if f[1] == "cabinet-des-lilas.93260@demo.mssante.fr"]
    assert [f[3] for f in lilas] == ["10107592585", "10001045367"]  # the definition's order
    by_column = dict(zip(COLUMNS, lilas[0], strict=True))
    assert by_column["Raison Sociale structure BAL"] == "Cabinet des Lilas"
    assert by_column["Enseigne commerciale structure BAL"] == "Cabinet des Lilas"
    assert by_column["L4NUMEROVOIE structure BAL"] == "12"
    assert by_column["NL4TYPEVOIE structure BAL"] == "R"
    assert by_column["L4LIBELLEVOIE structure BAL"] == "de Paris"
    assert by_column["L6LIGNEACHEMINEMENT structure BAL"] == "93260 LES LILAS"
    assert by_column["Département structure BAL"] == "93"
    assert by_column["Civilité d'exercice"] == "DR"
    nguyen = next(f for f in rows if f[3] == "10003000220")
    assert (nguyen[15], nguyen[16]) == ("SM44", "Radio-diagnostic et imagerie médicale")


def test_delegataires_never_appear(run: Run, applied: Path) -> None:
    text = run("export", "annuaire").out
    for delegate in ("Dupont", "Garnier", "Lefort", "Haddad", "Lambert", "Robert"):
        assert delegate not in text


def test_liste_rouge_mailboxes_are_left_out(run: Run, project: Path) -> None:
    path = project / "cabinets" / "cabinet-des-lilas.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("listeRouge: false", "listeRouge: true"), "utf-8")
    assert run("apply", "--auto-approve", "--today", "2026-11-29").code == 0
    text = run("export", "annuaire").out
    assert "cabinet-des-lilas" not in text
    assert "cabinet-infirmier-saint-jean" in text


def test_output_file_is_written_whole_and_private(run: Run, applied: Path) -> None:
    result = run("export", "annuaire", "-o", "out/Extraction_Correspondance_MSSante.txt")
    assert result.code == 0 and result.out == ""
    written = applied / "out" / "Extraction_Correspondance_MSSante.txt"
    assert written.read_text(encoding="utf-8") == run("export", "annuaire").out
    assert stat.S_IMODE(written.stat().st_mode) == 0o600


def test_empty_state_gives_the_header_and_a_note(run: Run) -> None:
    result = run("export", "annuaire")
    assert result.code == 0
    assert result.out == HEADER + "\n"
    assert "no applied mailbox" in result.err


def test_a_value_that_would_break_the_layout_is_refused_not_mangled(run: Run, record: Record) -> None:
    """The schema keeps such values out; a state written some other way is still never exported broken."""
    bad = definition("cabinet-pipe", "10107592585")
    bad["cotitulaires"][0]["lastName"] = "Martin|Durand"
    record(bad)
    result = run("export", "annuaire", "-o", "x.txt")
    assert result.code == 1
    assert "mailbox cabinet-pipe: cotitulaires[10107592585].lastName holds '|'" in result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize("value", ["a|b", "a\nb", "a\rb", "a\tb", "a\x00b", "a\x7fb", "a\x85b", "a\u2028b"])
def test_layout_breakers(value: str) -> None:
    assert layout_breaker(value) is not None
    with pytest.raises(Exception, match="would break"):
        bad = definition("x", "10107592585")
        bad["displayName"] = value
        render_extraction([bad])


def test_ordinary_text_is_not_a_breaker() -> None:
    assert layout_breaker("Réseau cancérologie – Œuvre d'Émile « Zola »") is None


@pytest.mark.parametrize(
    ("postal_code", "expected"),
    [("93260", "93"), ("01000", "01"), ("97400", "974"), ("97133", "971"), ("98800", "988"), ("20000", "2A"),
     ("20167", "2A"), ("20200", "2B"), ("20600", "2B")],
)  # fmt: skip
def test_department(postal_code: str, expected: str) -> None:
    assert department(postal_code) == expected


def test_routing_line_follows_the_postal_norm() -> None:
    assert routing_line("42000", "Saint-Étienne") == "42000 SAINT ETIENNE"
    assert routing_line("84800", "L'Isle-sur-la-Sorgue") == "84800 L ISLE SUR LA SORGUE"


@pytest.mark.parametrize(
    ("line", "parts"),
    [
        ("12 rue de Paris", ("12", "", "R", "de Paris")),
        ("12 bis rue de la Paix", ("12", "B", "R", "de la Paix")),
        ("3ter avenue Jean Jaurès", ("3", "T", "AV", "Jean Jaurès")),
        ("7 A boulevard Victor Hugo", ("7", "A", "BD", "Victor Hugo")),
        ("30 cours Émile Zola", ("30", "", "CRS", "Émile Zola")),
        ("place Saint-Jean", ("", "", "PL", "Saint-Jean")),
        ("5 La Canebière", ("5", "", "", "La Canebière")),
    ],
)
def test_street_lines(line: str, parts: tuple[str, str, str, str]) -> None:
    street = parse_street(line)
    assert street is not None
    assert (street.number, street.complement, street.way_type, street.way_name) == parts


@pytest.mark.parametrize("line", ["Bâtiment B", "2e étage", "Appartement 12", "BP 123"])
def test_not_street_lines(line: str) -> None:
    assert parse_street(line) is None


def test_address_lines_land_in_their_afnor_columns() -> None:
    columns = postal_columns(["Résidence les Pins", "2e étage", "3 ter avenue Jean Jaurès", "BP 12"], "69003", "Lyon")
    assert columns.l2_localisation == "2e étage"
    assert columns.l3_distribution == "Résidence les Pins"
    assert (columns.l4_number, columns.l4_number_complement, columns.l4_way_type) == ("3", "T", "AV")
    assert columns.l4_way_name == "Jean Jaurès"
    assert columns.l5_lieu_dit == "BP 12"
    assert columns.l6_routing == "69003 LYON"
    no_street = postal_columns(["Bâtiment C", "Lieu-dit Les Prés"], "01000", "Bourg-en-Bresse")
    assert (no_street.l3_distribution, no_street.l5_lieu_dit, no_street.l4_way_name) == (
        "Bâtiment C",
        "Lieu-dit Les Prés",
        "",
    )
    assert postal_columns([], "93260", "Les Lilas").l4_number == ""
