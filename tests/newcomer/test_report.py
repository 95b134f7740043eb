"""`balprov report`: a static, self-contained HTML registry, opened in a real headless Chromium."""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from services.required import missing

from .browser import Browser, find_chromium
from .conftest import ARTIFACTS, REPO, Run

TODAY = "2026-11-29"


@pytest.fixture
def examples(workdir: Path) -> Path:
    """The shipped examples (seven mailboxes), a replacement ending soon and a hostile display name."""
    shutil.copy(REPO / "balprov.yaml", workdir / "balprov.yaml")
    shutil.copytree(REPO / "cabinets", workdir / "cabinets")
    lilas = workdir / "cabinets/cabinet-des-lilas.yaml"
    lilas.write_text(
        lilas.read_text(encoding="utf-8").replace(
            "  onboarding:",
            "    - id: marc.remplacant\n"
            '      rpps: "10104335319"\n'
            "      lastName: Lefèvre\n"
            "      firstName: Marc\n"
            "      role: Médecin remplaçant\n"
            "      rights: [read, send]\n"
            '      delegatedBy: ["10107592585"]\n'
            "      validFrom: 2026-11-15\n"
            "      validUntil: 2026-12-10\n"
            "  onboarding:",
        ),
        encoding="utf-8",
    )
    nurses = workdir / "cabinets/cabinet-infirmier-saint-jean.yaml"
    text = nurses.read_text(encoding="utf-8")
    nurses.write_text(
        re.sub(r"displayName: .*", 'displayName: "<script>alert(1)</script> & \\"Co\\""', text, count=1),
        encoding="utf-8",
    )
    return workdir


class Page(HTMLParser):
    """What the tests look at in a page: links, scripts and resources, the policy."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.links: list[str] = []
        self.sources: list[str] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.csp = ""
        self.rows = 0
        self._in: str | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        for name in ("src", "srcset", "xlink:href", "data"):
            if values.get(name):
                self.sources.append(values[name] or "")
        if tag == "link":
            self.sources.append(values.get("href") or "")
        if tag == "meta" and values.get("http-equiv") == "Content-Security-Policy":
            self.csp = values.get("content") or ""
        if tag == "tr" and "data-search" in values:
            self.rows += 1
        if tag in ("script", "style"):
            self._in = tag

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            self.scripts.append(data)
        elif self._in == "style":
            self.styles.append(data)


def digest(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def build(run: Run, *args: str) -> Path:
    result = run("report", "-o", "site", "--today", TODAY, *args)
    assert result.code == 0, result.err
    return Path("site").resolve()


def test_the_site_has_an_index_and_a_page_per_mailbox(examples: Path, run: Run) -> None:
    site = build(run)
    pages = sorted(path.name for path in (site / "mailboxes").iterdir())
    assert len(pages) == 7 and "cabinet-des-lilas-93260.html" in pages
    index = Page((site / "index.html").read_text(encoding="utf-8"))
    assert index.rows == 7
    assert {link for link in index.links if link.startswith("mailboxes/")} == {f"mailboxes/{name}" for name in pages}
    text = (site / "index.html").read_text(encoding="utf-8")
    assert "Delegations ending within 30 days" in text
    assert re.search(r"<td class=\"ending\">2026-12-10</td>\s*<td class=\"num\">11</td>", text)
    assert "onboarding-incomplete" in text  # the findings
    assert "state serial" not in text and "no state yet" in text


def test_pages_load_nothing_and_allow_only_their_own_inline_code(examples: Path, run: Run) -> None:
    site = build(run)
    for path in [site / "index.html", *sorted((site / "mailboxes").iterdir())]:
        page = Page(path.read_text(encoding="utf-8"))
        assert all(source.startswith("data:") for source in page.sources), (path, page.sources)
        assert not any(re.match(r"[a-z]+://", link) for link in page.links), (path, page.links)
        assert page.csp.startswith("default-src 'none'; ")
        for style in page.styles:
            assert f"style-src {digest(style)};" in page.csp
        for script in page.scripts:
            assert f"script-src {digest(script)};" in page.csp
        assert "http://" not in path.read_text(encoding="utf-8").replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert "https://" not in path.read_text(encoding="utf-8")


def test_values_are_escaped(examples: Path, run: Run) -> None:
    site = build(run)
    index = (site / "index.html").read_text(encoding="utf-8")
    page = (site / "mailboxes/cabinet-infirmier-saint-jean-69005.html").read_text(encoding="utf-8")
    for text in (index, page):
        assert "<script>alert(1)</script>" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;Co&#34;" in text
    assert len(Page(index).scripts) == 1 and not Page(page).scripts


def test_the_mailbox_page_draws_holders_and_delegates(examples: Path, run: Run) -> None:
    site = build(run)
    page = (site / "mailboxes/cabinet-des-lilas-93260.html").read_text(encoding="utf-8")
    svg = page[page.index("<svg") : page.index("</svg>")]
    for name in ("Dr Anne Martin", "Dr Paul Bernard", "Claire Dupont", "Marc Lefèvre", "Cabinet des Lilas"):
        assert f">{name}</text>" in svg
    assert svg.count('<g class="principal') == 1
    assert svg.count('<path class="principal"') == 1 and svg.count('<path class="cotitulaire"') == 1
    assert svg.count('<path class="delegate') == 2
    assert svg.count('<path class="nominated"') == 1  # Martin named Bernard
    assert '<g class="delegataire ending">' in svg  # Marc Lefèvre's replacement ends on 2026-12-10


def test_status_comes_from_the_state_and_stale_pages_go(examples: Path, run: Run) -> None:
    assert run("apply", "--auto-approve", "--today", TODAY).code == 0
    (examples / "cabinets/sgami/administration.yaml").unlink()
    lilas = examples / "cabinets/cabinet-des-lilas.yaml"
    lilas.write_text(lilas.read_text(encoding="utf-8").replace("Les Lilas", "Les  Lilas"), encoding="utf-8")
    stale = examples / "site/mailboxes/gone-mailbox.html"
    stale.parent.mkdir(parents=True)
    stale.write_text("old", encoding="utf-8")
    keep = examples / "site/notes.txt"
    keep.write_text("mine", encoding="utf-8")
    site = build(run)
    assert not stale.exists() and keep.exists()
    index = (site / "index.html").read_text(encoding="utf-8")
    assert index.count("badge status-noop") == 5
    assert index.count("badge status-update") == 1 and index.count("badge status-delete") == 1
    assert "state serial 7" in index
    assert (site / "mailboxes/sgami-sud-est-administration-69003.html").exists()  # still applied: still shown


def test_report_needs_a_folder(examples: Path, run: Run) -> None:
    Path("file").write_text("", encoding="utf-8")
    result = run("report", "-o", "file")
    assert result.code == 2 and "Traceback" not in result.err


# -- in a real browser -------------------------------------------------------------------------------------


def chromium_or_skip() -> str:
    found = find_chromium()
    if found is None:
        message = (
            "Chromium is not installed (Debian: apt-get install chromium chromium-driver, or run "
            "scripts/install-system-deps.sh as root; or set BALPROV_TEST_CHROMIUM)"
        )
        missing(message)
    return found


VISIBLE_ROWS = "[...document.querySelectorAll('#mailboxes tbody tr')].filter(row => !row.hidden).length"


def test_in_chromium_the_search_filters_and_nothing_fails(examples: Path, run: Run) -> None:
    chromium = chromium_or_skip()
    site = build(run)
    ARTIFACTS.mkdir(exist_ok=True)
    with Browser(chromium) as browser:
        page = browser.page()
        page.goto((site / "index.html").as_uri())
        assert page.evaluate(VISIBLE_ROWS) == 7
        page.type_text("#search", "sgami")
        assert page.evaluate(VISIBLE_ROWS) == 4
        assert page.evaluate("document.getElementById('shown').textContent") == "4 of 7 shown"
        page.type_text("#search", " conseil")  # every word must match
        assert page.evaluate(VISIBLE_ROWS) == 1
        page.evaluate("const s = document.getElementById('search'); s.value = ''; s.focus()")
        page.type_text("#search", "Lefevre")  # a délégataire, found without the accent
        assert page.evaluate(VISIBLE_ROWS) == 1
        page.evaluate("const t = document.getElementById('search'); t.value = ''; t.focus()")
        page.type_text("#search", "zzz-nothing")
        assert page.evaluate(VISIBLE_ROWS) == 0
        assert page.evaluate("document.getElementById('no-match').hidden") is False
        page.evaluate("const u = document.getElementById('search'); u.value = ''; u.focus()")
        page.type_text("#search", "lilas")
        page.screenshot(ARTIFACTS / "report-index.png")
        page.goto((site / "mailboxes/cabinet-des-lilas-93260.html").as_uri())
        assert page.evaluate("document.querySelectorAll('svg g').length") == 5
        assert page.evaluate("document.querySelector('svg').getBBox().width") > 500
        page.screenshot(ARTIFACTS / "report-mailbox.png")
        page.goto((site / "mailboxes/sgami-sud-est-conseil-medical-69003.html").as_uri())
        page.screenshot(ARTIFACTS / "report-mailbox-sgami.png")
        assert page.problems() == []
    assert (ARTIFACTS / "report-index.png").stat().st_size > 10_000


def test_in_chromium_the_policy_blocks_a_script_the_report_did_not_write(examples: Path, run: Run) -> None:
    """The check of console errors works: an injected inline script is refused and reported."""
    chromium = chromium_or_skip()
    site = build(run)
    index = site / "index.html"
    index.write_text(
        index.read_text(encoding="utf-8").replace("</main>", "<script>window.injected = 1</script></main>"),
        encoding="utf-8",
    )
    with Browser(chromium) as browser:
        page = browser.page()
        page.goto(index.as_uri())
        assert page.evaluate("window.injected === undefined") is True
        assert page.evaluate(VISIBLE_ROWS) == 7  # the report's own script still runs
        assert any("Content Security Policy" in problem for problem in page.problems()), page.problems()
