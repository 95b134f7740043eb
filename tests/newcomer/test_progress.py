"""The progress bars of apply (mailboxes) and annuaire check (MB read): drawn on a terminal, absent when
piped or in CI."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from balprov.exports.extraction import HEADER
from balprov.exports.extraction_reader import open_extraction, scan
from balprov.progress import ProgressBar, progress_bar, progress_wanted

from .conftest import BALPROV, REPO, StartTerminal, child_env


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    """The shipped examples: seven mailboxes to create."""
    shutil.copy(REPO / "balprov.yaml", tmp_path / "balprov.yaml")
    shutil.copytree(REPO / "cabinets", tmp_path / "cabinets")
    return tmp_path


def test_on_a_terminal_apply_draws_a_bar_with_counts_and_rate(examples: Path, terminal: StartTerminal) -> None:
    session = terminal(examples, "apply", "--auto-approve", "--today", "2026-11-29")
    assert session.wait() == 0, session.output
    output = session.output
    assert "\r\x1b[K[" in output  # drawn in place
    session.expect(r"\[\.+\]  0/7 mailboxes  --/s")  # before the first mailbox
    session.expect(r"\[#+\]  7/7 mailboxes  \d+\.\d/s")  # the last drawing, full, with the rate
    assert "Apply: 7 applied, 0 failed, 0 not attempted." in output
    # the mailboxes' lines are printed on a clean line: the bar is cleared before each, never run into
    assert "\r\x1b[K  created " in output
    assert re.search(r"/s(  ETA \S+)?  (created|FAILED) ", output) is None


def test_ci_true_on_a_terminal_draws_no_bar(examples: Path, terminal: StartTerminal) -> None:
    session = terminal(examples, "apply", "--auto-approve", env=child_env(CI="true"))
    assert session.wait() == 0, session.output
    assert "mailboxes  " not in session.output and "\x1b[K" not in session.output
    assert "Apply: 7 applied" in session.output


def run_piped(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """balprov with its output to pipes (as in a CI log): exit 0 expected."""
    completed = subprocess.run(
        [*BALPROV, *args], cwd=cwd, env=child_env(), stdin=subprocess.DEVNULL, capture_output=True, timeout=120
    )
    assert completed.returncode == 0, completed.stderr
    return completed


def test_piped_apply_writes_no_bar(examples: Path) -> None:
    completed = run_piped(examples, "apply", "--auto-approve")
    for stream in (completed.stdout, completed.stderr):
        assert b"\r" not in stream and b"\x1b" not in stream and b"/7 mailboxes" not in stream
    assert b"Apply: 7 applied" in completed.stdout


EXTRACTION_MEMBER = "Extraction_Correspondance_MSSante_202611290800.txt"


def extraction(lines: int) -> bytes:
    """A real-layout extraction of `lines` rows of another domain (~200 bytes each, as real ones)."""
    rows = (
        f"PER|prenom.nom{index}@medecin.mssante.fr|8|10{index:09d}|810{index:09d}||||DR|NOM{index % 997}|Prénom|C|"
        f"Civil|10|Médecin|SM54|Médecine générale||CABINET MEDICAL {index % 5003}|||BAT A|{index % 200 + 1}||R|"
        "DE LA PAIX||75002 PARIS|75002|75|France"
        for index in range(lines)
    )
    return (HEADER + "\n" + "\n".join(rows) + "\n").encode("utf-8")


@pytest.fixture
def extractions(examples: Path) -> tuple[Path, int]:
    """The examples' project with `extraction.txt` (12 MB: several blocks of the scan) and the same zipped as
    ANS ships it (`extraction.zip`, far smaller); and the size of the text."""
    data = extraction(60_000)
    (examples / "extraction.txt").write_bytes(data)
    with zipfile.ZipFile(examples / "extraction.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(EXTRACTION_MEMBER, data)
    return examples, len(data)


def megabytes(size: int) -> str:
    return re.escape(f"{size / 1_000_000:.1f}")


@pytest.mark.parametrize("name", ["extraction.txt", "extraction.zip"])
def test_on_a_terminal_annuaire_check_draws_a_bar_of_megabytes(
    extractions: tuple[Path, int], name: str, terminal: StartTerminal
) -> None:
    project, size = extractions
    session = terminal(project, "annuaire", "check", name)
    assert session.wait() == 0, session.output
    output = session.output
    total = megabytes(size)  # the text's size, also for the zip: its member's uncompressed size ...
    if name.endswith(".zip"):
        assert megabytes((project / name).stat().st_size) != total  # ... not the zip's
    session.expect(rf"\r\x1b\[K\[\.+\]  0\.0/{total} MB  -- MB/s")  # drawn in place, before the first byte
    session.expect(rf"\r\x1b\[K\[#+\]  {total}/{total} MB  \d+\.\d MB/s")  # the last drawing: full, with the rate
    # then cleared, and the report printed on a clean line, not run into the bar
    session.expect(r"\r\x1b\[KThe Annuaire Santé agrees with the state")
    assert output.count("\x1b[K") >= 3 and "MB/s" not in output[output.index("The Annuaire Santé") :]


def test_on_a_terminal_an_extraction_error_is_printed_after_the_bar(examples: Path, terminal: StartTerminal) -> None:
    (examples / "extraction.txt").write_text("not|an extraction\n", encoding="utf-8")
    session = terminal(examples, "annuaire", "check", "extraction.txt")
    assert session.wait() == 2, session.output
    session.expect(r"\r\x1b\[Kbalprov: extraction\.txt:1: not an Extraction_Correspondance_MSSante file")


@pytest.mark.parametrize("env", [{"CI": "true"}, {"TERM": "dumb"}], ids=["CI", "dumb"])
def test_ci_or_a_dumb_terminal_gets_no_annuaire_check_bar(
    extractions: tuple[Path, int], env: dict[str, str], terminal: StartTerminal
) -> None:
    session = terminal(extractions[0], "annuaire", "check", "extraction.zip", env=child_env(**env))
    assert session.wait() == 0, session.output
    assert " MB" not in session.output and "\x1b[K" not in session.output
    assert "The Annuaire Santé agrees with the state" in session.output


def test_piped_annuaire_check_writes_no_bar(extractions: tuple[Path, int]) -> None:
    completed = run_piped(extractions[0], "annuaire", "check", "extraction.txt")
    for stream in (completed.stdout, completed.stderr):
        assert b"\r" not in stream and b"\x1b" not in stream and b" MB" not in stream
    assert completed.stderr == b""
    assert "The Annuaire Santé agrees with the state" in completed.stdout.decode("utf-8")


@pytest.mark.parametrize("ending", ["lf", "crlf", "no-final-newline"])
def test_the_scan_counts_every_byte_in_a_few_calls(tmp_path: Path, ending: str) -> None:
    data = extraction(12_000)  # 2.4 MB: three blocks of about 1 MiB
    if ending == "crlf":
        data = data.replace(b"\n", b"\r\n")
    elif ending == "no-final-newline":
        data = data.rstrip(b"\n")
    (tmp_path / "e.txt").write_bytes(data)
    with zipfile.ZipFile(tmp_path / "e.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(EXTRACTION_MEMBER, data)
    for name in ("e.txt", "e.zip"):
        calls: list[int] = []
        with open_extraction(tmp_path / name, name) as opened:
            assert opened.size == len(data)
            result = scan(opened.stream, opened.source, frozenset({"demo.mssante.fr"}), progress=calls.append)
        assert result.lines == 12_000 and result.malformed_count == 0
        assert sum(calls) == len(data) and 3 <= len(calls) <= 6  # the header, then one call per block


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("environ", "wanted"),
    [({}, True), ({"CI": "true"}, False), ({"CI": "1"}, False), ({"CI": "false"}, True), ({"TERM": "dumb"}, False)],
)
def test_when_a_bar_is_wanted(environ: dict[str, str], wanted: bool) -> None:
    assert progress_wanted(FakeTerminal(), environ) is wanted
    assert progress_wanted(io.StringIO(), {}) is False  # not a terminal


def test_the_bar_line_fits_the_width_and_shows_rate_and_eta() -> None:
    now = [100.0]
    bar = ProgressBar(FakeTerminal(), total=10, unit="mailboxes", clock=lambda: now[0])
    assert bar.line(80).startswith("[" + "." * 10)
    now[0] = 102.0
    bar.done = 4
    line = bar.line(80)
    assert "4/10 mailboxes  2.0/s  ETA 3s" in line and len(line) < 80
    assert len(bar.line(30)) <= 29


def test_the_bar_is_cleared_even_when_the_work_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    screen = FakeTerminal()
    with pytest.raises(RuntimeError), progress_bar(screen, 3, "mailboxes") as bar:
        bar.around(lambda: None)()
        raise RuntimeError("provider down")
    assert screen.getvalue().endswith("\r\x1b[K")


def test_a_bar_of_bytes_shows_megabytes_and_their_rate() -> None:
    now = [100.0]
    bar = ProgressBar(FakeTerminal(), total=48_000_000, unit="MB", clock=lambda: now[0], scale=1_000_000)
    assert bar.line(80) == "[" + "." * 40 + "]  0.0/48.0 MB  -- MB/s"
    now[0] = 100.5
    bar.done = 12_000_000
    assert bar.line(80) == "[" + "#" * 10 + "." * 30 + "]  12.0/48.0 MB  24.0 MB/s  ETA 2s"
    now[0] = 102.0
    bar.done = 48_000_000
    assert bar.line(80) == "[" + "#" * 40 + "]  48.0/48.0 MB  24.0 MB/s"
    assert len(bar.line(30)) <= 29


def test_a_bar_of_items_is_unchanged_by_the_scale() -> None:
    now = [100.0]
    bar = ProgressBar(FakeTerminal(), total=10, unit="mailboxes", clock=lambda: now[0])
    now[0] = 102.0
    bar.done = 4
    assert bar.line(80) == "[" + "#" * 16 + "." * 24 + "]  4/10 mailboxes  2.0/s  ETA 3s"
