"""Property-based tests of the whole validate path: whatever bytes a cabinet file holds, `validate`
returns a report (never an exception) whose every diagnostic has a known rule and a position inside
the file.

Documents are the shipped cabinets damaged at random (bytes flipped, cut short, YAML specials inserted,
lines swapped) or random bytes and text. About 10 s by default (1,000 examples per test);
`BALPROV_FUZZ_EXAMPLES=20000` for a longer run.
"""

from __future__ import annotations

import os
import random
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from balprov.diagnostics import Diagnostic, Severity
from balprov.project import Project, load_project
from balprov.rules import RULES
from balprov.validation import ValidateOptions, ValidationReport, engine, validate

REPO = Path(__file__).resolve().parent.parent
SHIPPED = [path.read_bytes() for path in sorted((REPO / "cabinets").rglob("*.yaml"))]
TODAY = "2026-11-29"
EXAMPLES = int(os.environ.get("BALPROV_FUZZ_EXAMPLES", "1000"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)

SPECIALS = [
    b": ",
    b"- ",
    b"&a ",
    b"*a",
    b"!!",
    b"{",
    b"}",
    b"[",
    b"]",
    b"\t",
    b"\x00",
    b"\xff",
    b"\xc3",
    b'"',
    b"'",
    b"|",
    b">",
    b"#",
    b"%",
    b"@",
    b"`",
    b"? ",
    b",",
    b"\n",
    b"\r",
    b"\r\n",
    b"\n---\n",
    b"\n...\n",
    b"<<: *a\n",
    b"!!python/object/apply:os.system ['true'] ",
    b"!!binary ",
    b"!custom ",
    b"\x07",
    b"\x1b",
    "\u2028".encode(),
    "\x85".encode(),
    b"\xef\xbb\xbf",
    b"  ",
    b"~",
    b"10107592585",
    b"2026-02-30",
    "é".encode(),
]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copy(REPO / "balprov.yaml", root / "balprov.yaml")
    (root / "cabinets").mkdir()
    return load_project(None, root)


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    """A shipped cabinet, damaged one to six times."""
    data = bytearray(draw(st.sampled_from(SHIPPED)))
    for _ in range(draw(st.integers(1, 6))):
        size = len(data)
        at = draw(st.integers(0, size))
        operation = draw(st.sampled_from(["flip", "truncate", "insert", "insert", "delete", "swap-lines", "dedent"]))
        if operation == "flip" and size:
            index = min(at, size - 1)
            data[index] ^= draw(st.integers(1, 255))
        elif operation == "truncate":
            del data[at:]
        elif operation == "insert":
            data[at:at] = draw(st.sampled_from(SPECIALS))
        elif operation == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        elif operation == "swap-lines":
            lines = bytes(data).split(b"\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            data = bytearray(b"\n".join(lines))
        elif operation == "dedent":
            lines = bytes(data).split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            lines[i] = lines[i][draw(st.integers(1, 4)) :]
            data = bytearray(b"\n".join(lines))
    return bytes(data)


yaml_ish_text = st.text(
    alphabet=st.sampled_from(list("abcz019 :-[]{},&*!|>#'\"?\n\t\r\\~@%`é\x00\x85\u2028")), max_size=200
)
random_files = st.binary(max_size=300) | yaml_ish_text.map(lambda text: text.encode("utf-8", "surrogatepass"))
any_file = damaged() | damaged() | damaged() | random_files | st.sampled_from(SHIPPED)


def editor_lines(raw: bytes) -> list[str]:
    """The file's lines as an editor shows them: UTF-8 (bad bytes replaced), broken at LF, CRLF, CR."""
    text = raw.decode("utf-8", "replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def write(project: Project, files: list[bytes]) -> dict[str, bytes]:
    folder = project.root / "cabinets"
    shutil.rmtree(folder)
    folder.mkdir()
    written = {}
    for index, raw in enumerate(files):
        name = f"cabinets/c{index:02d}.yaml"
        (project.root / name).write_bytes(raw)
        written[name] = raw
    return written


def run(project: Project, jobs: int = 1) -> ValidationReport:
    return validate(project, ValidateOptions(paths=[project.root / "cabinets"], today=TODAY, jobs=jobs))


def misplaced(diagnostic: Diagnostic, raw: bytes) -> Iterator[str]:
    lines = editor_lines(raw)
    if diagnostic.rule not in RULES:
        yield f"unknown rule {diagnostic.rule!r}"
    if diagnostic.severity not in (Severity.ERROR, Severity.WARNING):
        yield f"severity {diagnostic.severity!r}"
    if not 1 <= diagnostic.line <= len(lines) + 1:
        yield f"line {diagnostic.line} outside 1..{len(lines) + 1}"
    elif diagnostic.column < 1:
        yield f"column {diagnostic.column} < 1"
    elif diagnostic.line <= len(lines) and diagnostic.column > len(lines[diagnostic.line - 1]) + 1:
        yield f"column {diagnostic.column} past the end of line {diagnostic.line} ({lines[diagnostic.line - 1]!r})"
    if diagnostic.path and not diagnostic.path.startswith("/"):
        yield f"path {diagnostic.path!r} is not a JSON pointer"


def check_report(report: ValidationReport, written: dict[str, bytes]) -> None:
    assert report.files == len(written)
    problems = [
        (d, reason) for d in report.diagnostics if d.file in written for reason in misplaced(d, written[d.file])
    ]
    assert problems == []
    assert {d.file for d in report.diagnostics} <= set(written)
    assert report.diagnostics == sorted(report.diagnostics)


@SETTINGS
@given(any_file)
def test_one_file_of_any_content_gives_a_positioned_report(project: Project, raw: bytes) -> None:
    written = write(project, [raw])
    check_report(run(project), written)


@SETTINGS
@given(st.lists(any_file, min_size=2, max_size=4), st.data())
def test_several_files_with_copies_give_a_positioned_report(
    project: Project, files: list[bytes], data: st.DataObject
) -> None:
    # Copies make the cross-file rules (duplicates, confusables) fire on damaged files too.
    files.append(data.draw(st.sampled_from(files)))
    written = write(project, files)
    check_report(run(project), written)


@SETTINGS
@given(damaged())
def test_a_damaged_file_reports_at_least_what_the_loader_found(project: Project, raw: bytes) -> None:
    from balprov.loading import load_yaml

    written = write(project, [raw])
    report = run(project)
    check_report(report, written)
    loaded = load_yaml(raw)
    reported = {(d.line, d.column, d.rule) for d in report.diagnostics}
    assert {(p.line, p.column, p.rule) for p in loaded.problems} <= reported
    if loaded.data is None:  # nothing to check beyond the loader's problems, and never silently clean
        assert loaded.problems


def test_workers_report_exactly_what_one_process_reports(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(20261129)
    files = []
    for index in range(60):
        data = bytearray(rng.choice(SHIPPED))
        for _ in range(rng.randrange(0, 3)):
            at = rng.randrange(len(data))
            if index % 2:
                data[at:at] = rng.choice(SPECIALS)
            else:
                data[at] ^= rng.randrange(1, 256)
        files.append(bytes(data))
    written = write(project, files)
    single = run(project, jobs=1)
    monkeypatch.setattr(engine, "PARALLEL_THRESHOLD", 0)
    monkeypatch.setattr(engine, "CHUNK", 7)
    parallel = run(project, jobs=2)
    assert parallel.diagnostics == single.diagnostics
    assert parallel.files == single.files == len(written)
    assert {d.rule for d in single.diagnostics} >= {"yaml-syntax", "name-duplicate", "address-duplicate"}
    check_report(single, written)


def _bench_module() -> Any:
    """bench/validate.py, imported by path (bench/ is not a package)."""
    import importlib.util
    import sys

    if "bench_validate" not in sys.modules:
        spec = importlib.util.spec_from_file_location("bench_validate", REPO / "bench" / "validate.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["bench_validate"] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
    return sys.modules["bench_validate"]


@settings(max_examples=max(5, EXAMPLES // 100), deadline=None)
@given(st.integers(0, 2**32))
def test_the_benchmark_generates_clean_cabinets(project: Project, seed: int) -> None:
    # bench/validate.py times the all-valid case: its cabinets must raise no diagnostic at all.
    generator = _bench_module().Generator(random.Random(seed))
    written = write(project, [generator.cabinet().encode() for _ in range(30)])
    report = run(project)
    assert report.files == len(written)
    assert report.diagnostics == []
