"""Every rule against its case files, the yamllint / sqlfluff way, with exact positions.

`cases/<slug>/*.yaml` are one-file cases; `cases/<slug>/<case>/` folders are cases of several files
(the cross-file rules), validated together. Each file opens with comment lines that declare every
diagnostic it must get, and nothing else:

    # expect: 31:13 rpps-checksum      (one line per diagnostic: line:column slug)
    # expect: none                     (a passing case: a complete, valid cabinet)

Files that cannot carry a comment header (binary, not UTF-8, ...) are made here, in GENERATED.
Every case is validated in the project of `cases/balprov.yaml`, on 2026-11-29 (`--today`).
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from balprov.diagnostics import Diagnostic
from balprov.loading.limits import MAX_FILE_BYTES
from balprov.project import Project, load_project
from balprov.rules import RULES, Summary, name_confusable
from balprov.rules.name_confusable import skeleton
from balprov.validation import ValidateOptions, validate

from .casefile import CASES, CONFIG, TODAY, Expected, case_files, case_paths, header

CASE_PATHS = case_paths()


@pytest.fixture(scope="module")
def project() -> Project:
    return load_project(CONFIG, CASES)


def check(project: Project, target: Path) -> list[Diagnostic]:
    return validate(project, ValidateOptions(paths=[target], today=TODAY, jobs=1)).diagnostics


def by_file(diagnostics: list[Diagnostic]) -> dict[str, list[Expected]]:
    found: dict[str, list[Expected]] = {}
    for d in diagnostics:
        found.setdefault(d.file, []).append((d.line, d.column, d.rule))
    return {file: sorted(items) for file, items in found.items()}


def explain(diagnostics: list[Diagnostic]) -> str:
    return "\n".join(f"  {d.file}:{d.line}:{d.column} {d.rule}: {d.message}" for d in diagnostics) or "  (none)"


@pytest.mark.parametrize("case", CASE_PATHS, ids=[c.relative_to(CASES).with_suffix("").as_posix() for c in CASE_PATHS])
def test_case(project: Project, case: Path) -> None:
    diagnostics = check(project, case)
    expected = {f.relative_to(CASES).as_posix(): header(f) for f in case_files(case)}
    actual = by_file(diagnostics)
    assert {file: actual.get(file, []) for file in expected} == expected, "reported:\n" + explain(diagnostics)
    assert set(actual) <= set(expected)


def test_every_case_folder_is_a_rule() -> None:
    assert {p.parent.name for p in CASE_PATHS} <= set(RULES)
    assert {p.name for p in CASES.iterdir() if p.is_dir() and not p.name.startswith(".")} <= set(RULES)


# --- files that cannot carry a comment header ---------------------------------------------------------

VALID = (CASES / "principal-count" / "pass.yaml").read_text(encoding="utf-8")
VALID_BODY = "".join(line for line in VALID.splitlines(keepends=True) if not line.startswith("#"))
RPPS_FAIL = CASES / "rpps-checksum" / "fail.yaml"


def at_index(text: str, index: int) -> tuple[int, int]:
    """Line and column (1-based, in characters, lines broken at LF) of a character index of the text:
    computed here, independently of the loader."""
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def at(text: str, needle: str) -> tuple[int, int]:
    return at_index(text, text.index(needle))


def _with_nul() -> tuple[bytes, list[Expected]]:
    text = VALID.replace("  displayName: Cabinet des Lilas", "  displayName: Cabinet\0 des Lilas")
    return text.encode(), [(*at(text, "\0"), "yaml-syntax")]


def _latin1() -> tuple[bytes, list[Expected]]:
    # Saved as Latin-1: reported at the first accented letter, its column counted in characters.
    first_accent = next(index for index, char in enumerate(VALID) if not char.isascii())
    return VALID.encode("latin-1"), [(*at_index(VALID, first_accent), "yaml-syntax")]


def _control_character() -> tuple[bytes, list[Expected]]:
    text = VALID.replace("Comptes rendus, ", "Comptes rendus,\a ")
    return text.encode(), [(*at(text, "\a"), "yaml-syntax")]


def _utf8_bom_is_not_a_column() -> tuple[bytes, list[Expected]]:
    text = VALID_BODY.replace("apiVersion: balprov/v1", "apiVersion: balprov/v2")
    assert text.startswith("apiVersion: ")
    return ("\ufeff" + text).encode(), [(1, 13, "schema")]


def _line_endings(newline: str) -> tuple[bytes, list[Expected]]:
    text = RPPS_FAIL.read_text(encoding="utf-8")
    return text.replace("\n", newline).encode(), header(RPPS_FAIL)


def _unicode_line_separators() -> tuple[bytes, list[Expected]]:
    # NEL, LS and PS break lines for libyaml (YAML 1.1), not for editors: positions stay an editor's.
    text = RPPS_FAIL.read_text(encoding="utf-8")
    old = "  description: Cabinet médical de groupe, secrétariat partagé"
    assert old in text
    text = text.replace(old, '  description: "Cabinet\u0085médical de groupe,\u2028secrétariat\u2029partagé"')
    # The schema refuses those separators in a one-line field (they would break the extraction's layout),
    # reported at the value, on the line an editor shows: line numbers after it are unchanged.
    return text.encode(), [(12, 16, "schema"), *header(RPPS_FAIL)]


GENERATED: dict[str, tuple[bytes, list[Expected]]] = {
    "yaml-syntax/nul-byte": _with_nul(),
    "yaml-syntax/latin-1": _latin1(),
    "yaml-syntax/utf-16": (VALID.encode("utf-16"), [(1, 1, "yaml-syntax")]),
    "yaml-syntax/utf-16-be": (b"\xfe\xff" + VALID.encode("utf-16-be"), [(1, 1, "yaml-syntax")]),
    "yaml-syntax/utf-32": (VALID.encode("utf-32"), [(1, 1, "yaml-syntax")]),
    "yaml-syntax/control-character": _control_character(),
    "yaml-syntax/zero-bytes": (b"", [(1, 1, "yaml-syntax")]),
    "yaml-unsafe/over-the-size-limit": (VALID.encode() + b"#" * MAX_FILE_BYTES, [(1, 1, "yaml-unsafe")]),
    "schema/utf-8-bom": _utf8_bom_is_not_a_column(),
    "rpps-checksum/crlf": _line_endings("\r\n"),
    "rpps-checksum/cr": _line_endings("\r"),
    "rpps-checksum/nel-ls-ps": _unicode_line_separators(),
    "onboarding-incomplete/pass-utf-8-bom": (("\ufeff" + VALID).encode(), []),
}


@pytest.mark.parametrize("name", list(GENERATED))
def test_generated_case(project: Project, tmp_path: Path, name: str) -> None:
    raw, expected = GENERATED[name]
    path = tmp_path / (name.replace("/", "--") + ".yaml")
    path.write_bytes(raw)
    diagnostics = check(project, path)
    assert sorted((d.line, d.column, d.rule) for d in diagnostics) == sorted(expected), explain(diagnostics)


# --- coverage of the cases -----------------------------------------------------------------------------


def _coverage() -> tuple[set[str], Counter[str]]:
    """Slugs with a passing case, and how many failing cases expect each slug."""
    passing: set[str] = set()
    failing: Counter[str] = Counter()
    for case in CASE_PATHS:
        slug = case.relative_to(CASES).parts[0]
        expected = [e for f in case_files(case) for e in header(f)]
        if expected:
            failing.update({e[2] for e in expected} & {slug})
        else:
            passing.add(slug)
    for name, (_, expected) in GENERATED.items():
        if expected:
            failing.update({e[2] for e in expected} & {name.split("/")[0]})
    return passing, failing


def test_every_rule_has_a_passing_and_a_failing_case() -> None:
    passing, failing = _coverage()
    assert sorted(set(RULES) - passing) == [], "rules without a passing case"
    assert sorted(set(RULES) - set(failing)) == [], "rules without a failing case"


# --- the contract: "a business rule that the schema also expresses is reported once, under its slug" ----


def test_twenty_one_cotitulaires_are_reported_once_under_cotitulaires_max(project: Project) -> None:
    from balprov.loading import load_yaml
    from balprov.validation.schema_check import SchemaCheck

    path = CASES / "cotitulaires-max" / "fail-21.yaml"
    document = load_yaml(path.read_bytes()).data
    assert len(document["spec"]["cotitulaires"]) == 21
    # The schema alone does say it (maxItems 20)...
    assert [f.path for f in SchemaCheck(()).findings(document)] == ["/spec/cotitulaires"]
    # ...yet the report holds one diagnostic for the count, under the business rule's slug.
    diagnostics = check(project, path)
    assert [(d.rule, d.path) for d in diagnostics] == [("cotitulaires-max", "/spec/cotitulaires/20")]
    assert [(d.line, d.column, d.rule) for d in diagnostics] == header(path)
    assert "21 cotitulaires" in diagnostics[0].message


def test_twenty_cotitulaires_are_fine(project: Project) -> None:
    assert check(project, CASES / "cotitulaires-max" / "pass-20.yaml") == []


@pytest.mark.parametrize("value", ["[]", "", "{rpps: '10107592585'}"])
def test_the_schema_still_reports_what_cotitulaires_max_does_not_check(
    project: Project, tmp_path: Path, value: str
) -> None:
    text = (CASES / "schema" / "pass.yaml").read_text(encoding="utf-8")
    start, end = text.index("  cotitulaires:\n"), text.index("  onboarding:")
    path = tmp_path / "cabinet.yaml"
    path.write_text(text[:start] + f"  cotitulaires: {value}\n" + text[end:], encoding="utf-8")
    assert "schema" in {d.rule for d in check(project, path)}


# --- name-confusable against a brute-force oracle ----------------------------------------------------


def _edit_distance(first: str, second: str) -> int:
    previous = list(range(len(second) + 1))
    for i, a in enumerate(first, 1):
        current = [i]
        for j, b in enumerate(second, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
        previous = current
    return previous[-1]


def _confusable_by_brute_force(summaries: list[Summary]) -> dict[str, str]:
    """Later file -> the earliest earlier file it is confused with, comparing every pair."""
    found: dict[str, str] = {}
    for j, later in enumerate(summaries):
        for earlier in summaries[:j]:
            assert later.address is not None and earlier.address is not None
            if later.address.lower() == earlier.address.lower():
                continue
            if _edit_distance(skeleton(later.address), skeleton(earlier.address)) <= 1:
                found[later.file] = earlier.file
                break
    return found


def test_name_confusable_is_one_edit_apart_exactly_and_names_the_earliest_file() -> None:
    rng = random.Random(20261129)
    for _ in range(300):
        summaries = [
            Summary(f"f{i:02d}.yaml", None, "".join(rng.choice("abé.-A1") for _ in range(rng.randint(1, 5))) + "@x.fr")
            for i in range(25)
        ]
        found = {
            f.file: f.finding.message.rsplit("(", 1)[1].rstrip(")") for f in name_confusable.check_project(summaries)
        }
        assert found == _confusable_by_brute_force(summaries), summaries


@pytest.mark.parametrize("pairwise_max", [0, 1, 3, 48])
def test_name_confusable_agrees_with_the_oracle_whatever_way_a_bucket_is_searched(
    pairwise_max: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Large buckets (addresses sharing half their skeleton) go through the deletion index, small ones pair
    # by pair: both must find exactly what the oracle finds, on long addresses sharing prefixes and suffixes.
    monkeypatch.setattr(name_confusable, "_PAIRWISE_MAX", pairwise_max)
    rng = random.Random(pairwise_max)
    for _ in range(150):
        summaries = [
            Summary(
                f"f{i:02d}.yaml",
                None,
                "cabinet-" + "".join(rng.choice("ab.-é1") for _ in range(rng.randint(0, 6))) + ".93260@x.fr",
            )
            for i in range(30)
        ]
        found = {
            f.file: f.finding.message.rsplit("(", 1)[1].rstrip(")") for f in name_confusable.check_project(summaries)
        }
        assert found == _confusable_by_brute_force(summaries), summaries


@pytest.mark.parametrize(
    ("first", "second", "confusable"),
    [
        ("cabinet-des-lilas.93260", "cabinet-des-lilas.93250", True),  # one character replaced
        ("cabinet-des-lilas.93260", "cabinet-des-lilas.9326", True),  # one removed
        ("cabinet-des-lilas.93260", "cabinet.des.lilas.93260", True),  # punctuation
        ("cabinet-des-lilas.93260", "cabinet-dés-lilas.93260", True),  # an accent
        ("cabinet-des-lilas.93260", "cabinet-des-lilas.92600", False),  # one removed here, one added there
        ("cabinet-des-lilas.93260", "cabinet-des-lilas.39260", False),  # two swapped: two replaced
        ("cabinet-des-lilas.93260", "cabinet-des-roses.75011", False),
    ],
)
def test_name_confusable_pairs(first: str, second: str, confusable: bool) -> None:
    summaries = [
        Summary("a.yaml", None, f"{first}@demo.mssante.fr"),
        Summary("b.yaml", None, f"{second}@demo.mssante.fr"),
    ]
    assert [f.file for f in name_confusable.check_project(summaries)] == (["b.yaml"] if confusable else [])
