"""The case files of tests/rules/cases: where they are and what their headers declare."""

from __future__ import annotations

import re
from pathlib import Path

from balprov.rules import RULES

CASES = Path(__file__).resolve().parent / "cases"
CONFIG = CASES / "balprov.yaml"  # the project every case is validated in
TODAY = "2026-11-29"  # `--today` for every case: delegation-expired does not depend on the clock

Expected = tuple[int, int, str]  # line, column, slug

_EXPECT = re.compile(r"# expect: (?:(?P<none>none)|(?P<line>\d+):(?P<column>\d+) (?P<slug>[a-z][a-z-]*))")


def header(path: Path) -> list[Expected]:
    """The diagnostics a case file declares in its leading comment lines, sorted:

    # expect: 31:13 rpps-checksum      (one line per diagnostic: line:column slug)
    # expect: none                     (a passing case)
    """
    expected: list[Expected] = []
    declared_none = False
    for text in path.read_text(encoding="utf-8").splitlines():
        if not text.startswith("#"):
            break
        if not text.startswith("# expect:"):
            continue
        match = _EXPECT.fullmatch(text.rstrip())
        assert match is not None, f"{path}: malformed header line {text!r}"
        if match["none"]:
            declared_none = True
        else:
            assert match["slug"] in RULES, f"{path}: {match['slug']!r} is not a rule"
            expected.append((int(match["line"]), int(match["column"]), match["slug"]))
    assert declared_none or expected, f"{path}: no '# expect:' line in its header"
    assert not (declared_none and expected), f"{path}: '# expect: none' with other expectations"
    return sorted(expected)


def case_paths() -> list[Path]:
    """One-file cases (cases/<slug>/*.yaml) and folder cases (cases/<slug>/<case>/), in a stable order."""
    cases: list[Path] = []
    # dot-folders are not cases: `.balprov/` is the cache left by validate runs in this folder
    for rule_folder in sorted(p for p in CASES.iterdir() if p.is_dir() and not p.name.startswith(".")):
        cases.extend(sorted(rule_folder.glob("*.yaml")))
        cases.extend(sorted(p for p in rule_folder.iterdir() if p.is_dir() and not p.name.startswith(".")))
    return cases


def case_files(case: Path) -> list[Path]:
    return [case] if case.is_file() else sorted(case.rglob("*.yaml"))
