"""The plan in French, compared with golden files next to the English ones (tests/golden/plan/*.fr.*).
Regenerate with BALPROV_UPDATE_GOLDEN=1 and review the diff. The English goldens are the other test's: the
templates' English output did not change by a byte when their words were marked for translation."""

from __future__ import annotations

import os

import pytest

from balprov.i18n import set_language
from balprov.rendering import render_plan
from rendering.test_plan_render import CASES, GOLDEN

# every text and markdown case; the JSON plan has no words of its own to translate (only its messages)
FRENCH = sorted(name for name, (_build, output_format) in CASES.items() if output_format != "json")


@pytest.mark.parametrize("golden", FRENCH)
def test_french_plan_matches_golden(golden: str) -> None:
    build, output_format = CASES[golden]
    set_language("fr")  # the conftest fixture puts English back after the test
    rendered = render_plan(build(), output_format, None)
    stem, suffix = golden.rsplit(".", 1)
    path = GOLDEN / f"{stem}.fr.{suffix}"
    if os.environ.get("BALPROV_UPDATE_GOLDEN") == "1":
        path.write_text(rendered, encoding="utf-8")
    assert rendered == path.read_text(encoding="utf-8")


def test_a_template_follows_the_language_of_the_moment_it_renders() -> None:
    """The gettext functions installed in Jinja read the current language per call, not at set-up."""
    build, _format = CASES["mixed.txt"]
    plan = build()
    english = render_plan(plan, "text", None)
    set_language("fr")
    french = render_plan(plan, "text", None)
    set_language("en")
    assert english.startswith("Plan: 0 to create, 2 to update, 1 to delete, 1 unchanged.")
    assert french.startswith("Plan : 0 à créer, 2 à modifier, 1 à supprimer, 1 inchangée(s).")
    assert render_plan(plan, "text", None) == english
