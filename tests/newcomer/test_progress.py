"""apply's progress bar: drawn on a terminal, absent when piped or in CI."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest

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


def test_piped_apply_writes_no_bar(examples: Path) -> None:
    completed = subprocess.run(
        [*BALPROV, "apply", "--auto-approve"],
        cwd=examples,
        env=child_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    for stream in (completed.stdout, completed.stderr):
        assert b"\r" not in stream and b"\x1b" not in stream and b"/7 mailboxes" not in stream
    assert b"Apply: 7 applied" in completed.stdout


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
