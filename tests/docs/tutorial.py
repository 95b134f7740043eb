"""Run a tutorial page: its ```console blocks, in order, each `$ balprov …` checked against the output shown.

A console block holds commands (`$ balprov …`, continued on the next line after a trailing `\\`) each followed
by the output the page promises. In the promised output, a line that is only `...` stands for any number of
lines (none included), and `...` inside a line for any text on that line: the page elides dates, ids and long
outputs that way. Trailing spaces and blank lines at the end are ignored. Commands run in one temporary folder,
one after the other, so later commands see what earlier ones wrote.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

FENCE = re.compile(r"^```console[^\n]*\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL)
ELLIPSIS = "..."


@dataclass(frozen=True)
class Step:
    command: str
    expected: str
    line: int  # 1-based line of the command in the page


def steps(page: str) -> list[Step]:
    """The commands of every console block, in page order, with the output shown after each."""
    found: list[Step] = []
    for block in FENCE.finditer(page):
        first_line = page.count("\n", 0, block.start(1)) + 1
        lines = block.group(1).split("\n")
        index = 0
        while index < len(lines):
            line = lines[index]
            if not line.startswith("$ "):
                if line.strip():
                    raise ValueError(f"line {first_line + index}: output before any `$ ` command: {line!r}")
                index += 1
                continue
            start = index
            command = line[2:]
            while command.endswith("\\"):
                index += 1
                command = command[:-1] + " " + lines[index].strip()
            index += 1
            output: list[str] = []
            while index < len(lines) and not lines[index].startswith("$ "):
                output.append(lines[index])
                index += 1
            found.append(Step(command=command, expected="\n".join(output), line=first_line + start))
    return found


def _normalize(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").split("\n")).strip("\n")


def pattern(expected: str) -> re.Pattern[str]:
    """The promised output as a regular expression: `...` lines and `...` inside lines elide."""
    parts: list[str] = []
    for line in _normalize(expected).split("\n"):
        if line.strip() == ELLIPSIS:
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append("[^\n]*".join(re.escape(chunk) for chunk in line.split(ELLIPSIS)) + r"\n")
    return re.compile("".join(parts), re.DOTALL)


def matches(expected: str, actual: str) -> bool:
    actual_text = _normalize(actual) + "\n"
    expected_text = _normalize(expected)
    if not expected_text:
        return actual_text.strip() == ""
    return pattern(expected_text).fullmatch(actual_text) is not None


def run(step: Step, cwd: Path) -> subprocess.CompletedProcess[str]:
    argv = shlex.split(step.command)
    if not argv or argv[0] != "balprov":
        raise ValueError(f"line {step.line}: only balprov commands are run: {step.command!r}")
    env = {**os.environ, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1", "COLUMNS": "120"}
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run(
        [sys.executable, "-m", "balprov", *argv[1:]],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
        timeout=120,
    )
