"""`balprov notice patients|partners NAME`: the fiche's step-4 notices from overridable templates."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from balprov.rendering.notice import markdown_text

from .conftest import GOLDEN, TODAY, Run

LILAS = "cabinet-des-lilas-93260"


@pytest.mark.parametrize(
    ("kind", "output_format", "golden"),
    [
        ("patients", "markdown", "notice-patients.md"),
        ("patients", "html", "notice-patients.html"),
        ("partners", "markdown", "notice-partners.md"),
        ("partners", "html", "notice-partners.html"),
    ],
)
def test_notices_match_the_golden_files(run: Run, applied: Path, kind: str, output_format: str, golden: str) -> None:
    result = run("notice", kind, LILAS, "--format", output_format)
    assert result.code == 0, result.err
    path = GOLDEN / golden
    if os.environ.get("BALPROV_UPDATE_GOLDEN") == "1":
        path.write_text(result.out, encoding="utf-8")
    assert result.out == path.read_text(encoding="utf-8")


def test_patient_notice_says_who_holds_and_who_reads(run: Run, applied: Path) -> None:
    text = run("notice", "patients", LILAS).out
    assert "**cabinet-des-lilas.93260@demo.mssante.fr**" in text
    assert "- Dr Anne Martin, Médecin" in text and "- Dr Paul Bernard, Médecin" in text
    assert "(secrétaire médicale)" in text
    assert "Dupont" not in text  # délégataires are named by role only
    assert "Comptes rendus, résultats d'examens, coordination avec le secrétariat." in text


def test_partner_notice_says_what_to_send_and_who_answers(run: Run, applied: Path) -> None:
    text = run("notice", "partners", "reseau-cancerologie-villeurbanne").out
    assert "**reseau-cancerologie.villeurbanne@demo.mssante.fr**" in text
    assert "- Dr Hélène Roche, Médecin, responsable de la boîte aux lettres" in text
    assert "- Dr Thomas Nguyen, Médecin (Radio-diagnostic et imagerie médicale)" in text
    assert "- Secrétaire médicale, pour le compte" in text
    assert "Elle est publiée dans l'Annuaire Santé" in text


def test_liste_rouge_partner_notice_asks_not_to_spread_the_address(run: Run, project: Path) -> None:
    path = project / "cabinets" / "cabinet-des-lilas.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("listeRouge: false", "listeRouge: true"), "utf-8")
    assert run("apply", "--auto-approve", "--today", TODAY).code == 0
    text = run("notice", "partners", LILAS).out
    assert "liste rouge" in text and "Elle est publiée" not in text


def test_html_is_autoescaped(run: Run, project: Path) -> None:
    path = project / "cabinets" / "cabinet-des-lilas.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("description: Cabinet médical", "description: <b>Cabinet</b> & médical"), "utf-8")
    assert run("apply", "--auto-approve", "--today", TODAY).code == 0
    for kind in ("patients", "partners"):
        html = run("notice", kind, LILAS, "--format", "html").out
        assert "&lt;b&gt;Cabinet&lt;/b&gt; &amp; médical" in html
        assert "<b>" not in html
        markdown = run("notice", kind, LILAS).out
        assert "&lt;b&gt;Cabinet&lt;/b&gt; &amp; médical" in markdown and "<b>" not in markdown


def test_markdown_text_escapes_markup() -> None:
    assert markdown_text("*x* _y_ [z](u) `c` # <i>") == r"\*x\* \_y\_ \[z\](u) \`c\` \# &lt;i&gt;"


def test_a_project_template_overrides_the_shipped_one(run: Run, applied: Path) -> None:
    folder = applied / "templates" / "notices" / "fr"
    folder.mkdir(parents=True)
    (folder / "patients.md.j2").write_text("BAL {{ address }} : {{ cotitulaires | length }} cotitulaires\n", "utf-8")
    assert run("notice", "patients", LILAS).out == "BAL cabinet-des-lilas.93260@demo.mssante.fr : 2 cotitulaires\n"
    assert run("notice", "partners", LILAS).out.startswith("# Nouvelle adresse")  # the others stay shipped


def test_a_project_may_add_a_language(run: Run, applied: Path) -> None:
    folder = applied / "templates" / "notices" / "en"
    folder.mkdir(parents=True)
    (folder / "partners.html.j2").write_text("<p>New address: {{ address }} {{ description }}</p>\n", "utf-8")
    result = run("notice", "partners", LILAS, "--lang", "en", "--format", "html")
    assert result.out.startswith("<p>New address: cabinet-des-lilas.93260@demo.mssante.fr")


def test_templates_render_in_the_sandbox(run: Run, applied: Path) -> None:
    folder = applied / "templates" / "notices" / "fr"
    folder.mkdir(parents=True)
    (folder / "patients.md.j2").write_text("{{ cotitulaires[0].__class__.__init__.__globals__ }}\n", "utf-8")
    result = run("notice", "patients", LILAS)
    assert result.code == 2 and result.out == ""
    assert result.err.startswith("balprov: template notices/fr/patients.md.j2: SecurityError: access to attribute")


def test_a_broken_project_template_is_named_with_its_line(run: Run, applied: Path) -> None:
    folder = applied / "templates" / "notices" / "fr"
    folder.mkdir(parents=True)
    (folder / "partners.md.j2").write_text("ok\n{% if address %}\nunclosed\n", "utf-8")
    result = run("notice", "partners", LILAS)
    assert result.code == 2
    assert "partners.md.j2:3: Unexpected end of template" in result.err and "Traceback" not in result.err


def test_unknown_language_exits_2(run: Run, applied: Path) -> None:
    result = run("notice", "patients", LILAS, "--lang", "de")
    assert result.code == 2
    assert "no template notices/de/patients.md.j2" in result.err
    assert run("notice", "patients", LILAS, "--lang", "../x").code == 2


def test_unknown_mailbox_exits_1(run: Run, applied: Path) -> None:
    result = run("notice", "patients", "nope")
    assert result.code == 1 and "no mailbox 'nope'" in result.err


def test_a_mailbox_not_applied_yet_is_rendered_from_its_definition(run: Run, project: Path) -> None:
    result = run("notice", "partners", LILAS, "--today", TODAY)
    assert result.code == 0
    assert "not applied yet: the notice is rendered from cabinets/cabinet-des-lilas.yaml" in result.err
    assert "cabinet-des-lilas.93260@demo.mssante.fr" in result.out


def test_a_definition_with_errors_is_refused(run: Run, project: Path) -> None:
    path = project / "cabinets" / "cabinet-des-lilas.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('rpps: "10107592585"', 'rpps: "10107592586"'), "utf-8")
    result = run("notice", "patients", LILAS, "--today", TODAY)
    assert result.code == 1
    assert "is not applied and its definition has 3 error(s), the first cabinets/cabinet-des-lilas.yaml:24:13: " \
        "[rpps-checksum]" in result.err  # fmt: skip


def test_output_file(run: Run, applied: Path) -> None:
    result = run("notice", "patients", LILAS, "--format", "html", "-o", "affiche.html")
    assert result.code == 0 and result.out == ""
    assert (applied / "affiche.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_only_delegates_who_may_send_answer_partners(run: Run, project: Path) -> None:
    path = project / "cabinets" / "sgami" / "administration.yaml"
    assert "role: Gestionnaire\n      rights: [read]" in path.read_text(encoding="utf-8")
    assert run("apply", "--auto-approve", "--today", TODAY).code == 0
    partners = run("notice", "partners", "sgami-sud-est-administration-69003").out
    assert "- Responsable administratif, pour le compte" in partners and "Gestionnaire" not in partners
    patients = run("notice", "patients", "sgami-sud-est-administration-69003").out
    assert "(responsable administratif, gestionnaire)" in patients  # both read patients' data
