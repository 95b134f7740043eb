"""Every command the tutorials show is run, in order, and its output checked against the page."""

from __future__ import annotations

from pathlib import Path

import pytest

from .tutorial import Step, matches, run, steps

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGES = ("tutorial.en.md", "tutorial.fr.md")


@pytest.mark.parametrize("page", PAGES)
def test_tutorial_commands_run_as_shown(page: str, tmp_path: Path) -> None:
    text = (DOCS / page).read_text(encoding="utf-8")
    found = steps(text)
    assert 8 <= len(found) <= 20, f"{page}: {len(found)} commands; keep the tutorial to a reasonable size"
    for step in found:
        result = run(step, tmp_path)
        assert result.returncode == 0, (
            f"{page}:{step.line}: `{step.command}` exited {result.returncode}:\n{result.stdout}"
        )
        assert matches(step.expected, result.stdout), (
            f"{page}:{step.line}: `{step.command}` printed something else than the page shows.\n"
            f"--- page\n{step.expected}\n--- actual\n{result.stdout}"
        )


def test_both_tutorials_run_the_same_commands() -> None:
    def commands(page: str) -> list[str]:
        return [step.command for step in steps((DOCS / page).read_text(encoding="utf-8"))]

    assert commands(PAGES[0]) == commands(PAGES[1])


def test_extraction_and_matching() -> None:
    page = "\n".join(
        [
            "Some text.",
            "```console",
            "$ balprov validate \\",
            "    --today 2026-11-29",
            "1 file checked: ... errors",
            "...",
            "done",
            "$ balprov rules",
            "```",
        ]
    )
    found = steps(page)
    assert found == [
        Step("balprov validate  --today 2026-11-29", "1 file checked: ... errors\n...\ndone", 3),
        Step("balprov rules", "", 8),
    ]
    assert matches(found[0].expected, "1 file checked: 0 errors\ndone\n")
    assert matches(found[0].expected, "1 file checked: 2 errors\na\nb\ndone\n")
    assert not matches(found[0].expected, "1 file checked: 0 errors\ndone\nextra\n")
    assert not matches("exactly", "exactly not")
    assert matches("", "\n")
