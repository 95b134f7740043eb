"""`balprov annuaire check`: a real extraction (.txt or .zip, streamed) compared with the state."""

from __future__ import annotations

import io
import json
import os
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from balprov.exports import extraction_reader
from balprov.exports.extraction import HEADER
from balprov.exports.extraction_reader import scan

from .conftest import GOLDEN, Record, Run, definition, row

ZIP_MEMBER = "Extraction_Correspondance_MSSante_202611290800.txt"

# The state of the verdict tests: one mailbox per verdict.
A, B, C, D, E = "10107592585", "10001045367", "10104335319", "10003000220", "10003000295"
STATE = [
    definition("ok", A, B),
    definition("missing", A),
    definition("wrong-holders", A, B),
    definition("delegate-published", A, delegates=(C,)),
    definition("wrong-type", B),
    definition("unlisted", C, liste_rouge=True),
    definition("secret-published", D, liste_rouge=True),
]
LATIN1 = row("x@medecin.mssante.fr", A, "PER").encode("utf-8").replace(b"Jean", b"J\xe9an")
LATIN1_AT = LATIN1.index(b"\xe9") + 1
LINES: list[str | bytes] = [
    row("ok@demo.mssante.fr", A),  # 2
    row("ok@demo.mssante.fr", B),  # 3
    row("someone@medecin.mssante.fr", E, "PER"),  # 4: another domain, ignored
    row("wrong-holders@demo.mssante.fr", A),  # 5: B missing ...
    row("wrong-holders@demo.mssante.fr", E),  # 6: ... and E unexpected
    "CAB|truncated@demo.mssante.fr|8|" + A,  # 7: malformed, 4 columns
    row("delegate-published@demo.mssante.fr", A),  # 8
    row("delegate-published@demo.mssante.fr", C),  # 9: the délégataire's RPPS
    row("wrong-type@demo.mssante.fr", B, "ORG"),  # 10
    row("secret-published@demo.mssante.fr", D),  # 11
    row("ghost@demo.mssante.fr", E),  # 12: ours, but in no definition
    row("Ghost.Upper@DEMO.mssante.fr", None),  # 13: ours too, no holder (case does not matter)
    row("other@demo.mssante.fr", E, "ORG"),  # 14: our domain, but ORG: not ours to judge
    row("cab@autre.mssante.fr", E),  # 15: another domain's CAB
    row("ok@demo.mssante.fr", B).replace("DUPONT", "DU|PONT"),  # 16: malformed, 32 columns
    LATIN1,  # 17: Latin-1, not UTF-8
    "",  # 18: an empty line
]


def extraction_bytes(lines: list[str | bytes], header: str = HEADER, newline: bytes = b"\n") -> bytes:
    encoded = [header.encode("utf-8")] + [line if isinstance(line, bytes) else line.encode("utf-8") for line in lines]
    return newline.join(encoded) + newline


def write_txt(project: Path, lines: list[str | bytes], name: str = "extraction.txt", **kwargs: object) -> str:
    (project / name).write_bytes(extraction_bytes(lines, **kwargs))  # type: ignore[arg-type]
    return name


def write_zip(project: Path, lines: list[str | bytes], member: str = ZIP_MEMBER, name: str = "extraction.zip") -> str:
    with zipfile.ZipFile(project / name, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, extraction_bytes(lines))
    return name


@pytest.fixture
def state(record: Record) -> None:
    for item in STATE:
        record(item)


def verdicts(body: dict[str, object]) -> dict[str, str]:
    return {m["name"]: m["verdict"] for m in body["mailboxes"]}  # type: ignore[attr-defined]


@pytest.mark.usefixtures("state")
@pytest.mark.parametrize("writer", [write_txt, write_zip], ids=["txt", "zip"])
def test_every_verdict(run: Run, project: Path, writer: object) -> None:
    name = writer(project, LINES)  # type: ignore[operator]
    result = run("annuaire", "check", name, "--format", "json")
    assert result.code == 1, result.err
    body = json.loads(result.out)
    assert verdicts(body) == {
        "ok": "published",
        "missing": "missing",
        "wrong-holders": "wrong-holders",
        "delegate-published": "delegataire-published",
        "wrong-type": "wrong-type",
        "unlisted": "unlisted",
        "secret-published": "liste-rouge-published",
    }
    by_name = {m["name"]: m for m in body["mailboxes"]}
    assert by_name["ok"]["lines"] == [2, 3] and by_name["ok"]["agrees"] is True
    assert by_name["wrong-holders"]["missing_holders"] == ["8" + B]
    assert by_name["wrong-holders"]["unexpected_holders"] == ["8" + E]
    assert by_name["delegate-published"]["delegataires_published"] == [f"delegate.0 (8{C})"]
    assert by_name["delegate-published"]["unexpected_holders"] == []
    assert by_name["wrong-type"]["published_types"] == ["ORG"]
    assert body["unknown"] == [
        {"address": "ghost.upper@demo.mssante.fr", "holders": [], "lines": [13]},
        {"address": "ghost@demo.mssante.fr", "holders": ["8" + E], "lines": [12]},
    ]
    assert body["malformed"] == [
        {"line": 7, "problem": "4 columns instead of 31"},
        {"line": 16, "problem": "32 columns instead of 31"},
        {"line": 17, "problem": f"not UTF-8 (byte {LATIN1_AT} of the line)"},
        {"line": 18, "problem": "0 columns instead of 31"},
    ]
    summary = body["summary"]
    assert summary["agree"] is False and summary["mailboxes"] == 7 and summary["unknown"] == 2
    assert summary["malformed_lines"] == 4 and summary["published"] == 1 and summary["missing"] == 1
    assert body["extraction"]["lines"] == 17
    expected_file = "extraction.zip:" + ZIP_MEMBER if name.endswith(".zip") else "extraction.txt"
    assert body["extraction"]["file"] == expected_file


@pytest.mark.usefixtures("state")
@pytest.mark.parametrize("output_format", ["text", "markdown"])
def test_reports_match_the_golden_files(run: Run, project: Path, output_format: str) -> None:
    name = write_txt(project, LINES)
    result = run("annuaire", "check", name, "--format", output_format)
    assert result.code == 1
    path = GOLDEN / f"check.{'md' if output_format == 'markdown' else 'txt'}"
    if os.environ.get("BALPROV_UPDATE_GOLDEN") == "1":
        path.write_text(result.out, encoding="utf-8")
    assert result.out == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("writer", [write_txt, write_zip], ids=["txt", "zip"])
def test_exit_0_when_all_agree(run: Run, project: Path, record: Record, writer: object) -> None:
    record(definition("ok", A, B))
    record(definition("unlisted", C, liste_rouge=True))
    lines: list[str | bytes] = [
        row("ok@demo.mssante.fr", B),
        row("ok@demo.mssante.fr", A),
        row("p@medecin.mssante.fr", C),
    ]
    name = writer(project, lines)  # type: ignore[operator]
    result = run("annuaire", "check", name)
    assert result.code == 0, result.out + result.err
    assert result.out.startswith("The Annuaire Santé agrees with the state: 2 mailbox(es) checked.\n")


def test_round_trip_with_the_csv_export(run: Run, applied: Path) -> None:
    assert run("export", "annuaire", "-o", ZIP_MEMBER).code == 0
    with zipfile.ZipFile(applied / "annuaire.zip", "w") as archive:
        archive.write(applied / ZIP_MEMBER, ZIP_MEMBER)
    for name in (ZIP_MEMBER, "annuaire.zip"):
        result = run("annuaire", "check", name, "--format", "json")
        assert result.code == 0, result.out
        assert set(verdicts(json.loads(result.out)).values()) == {"published"}


def test_crlf_line_ends_and_a_bom_are_read(run: Run, project: Path, record: Record) -> None:
    record(definition("ok", A))
    (project / "e.txt").write_bytes(b"\xef\xbb\xbf" + extraction_bytes([row("ok@demo.mssante.fr", A)], newline=b"\r\n"))
    assert run("annuaire", "check", "e.txt").code == 0


def test_a_renamed_header_column_is_noted_not_fatal(run: Run, project: Path, record: Record) -> None:
    record(definition("ok", A))
    header = HEADER.replace("Département structure BAL", "Departement structure BAL")
    name = write_txt(project, [row("ok@demo.mssante.fr", A)], header=header)
    result = run("annuaire", "check", name)
    assert result.code == 0
    assert "note: the header's column 30 is named 'Departement structure BAL'" in result.out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"name,address\nx,y\n", "not an Extraction_Correspondance_MSSante file"),
        (b"Type de BAL|Adresse BAL|Type Identifiant PP\n", "the header has 3 columns; the layout has 31"),
        (b"Type de BAL|Adresse BAL\xff\n", "the header is not UTF-8"),
    ],
)
def test_not_an_extraction_exits_2(run: Run, project: Path, content: bytes, message: str) -> None:
    (project / "bad.txt").write_bytes(content)
    result = run("annuaire", "check", "bad.txt")
    assert result.code == 2
    assert result.err.startswith("balprov: bad.txt") and message in result.err
    assert "Traceback" not in result.err


def test_missing_file_exits_2(run: Run) -> None:
    result = run("annuaire", "check", "nowhere.zip")
    assert (result.code, result.err) == (2, "balprov: nowhere.zip: no such file\n")


def test_zip_without_a_single_extraction_exits_2(run: Run, project: Path) -> None:
    with zipfile.ZipFile(project / "two.zip", "w") as archive:
        archive.writestr("a.txt", extraction_bytes([]))
        archive.writestr("b.txt", extraction_bytes([]))
    result = run("annuaire", "check", "two.zip")
    assert result.code == 2
    assert "expected one Extraction_Correspondance_MSSante_*.txt in the zip, found: a.txt, b.txt" in result.err


def test_a_damaged_zip_exits_2(run: Run, project: Path) -> None:
    name = write_zip(project, [row("ok@demo.mssante.fr", A)] * 1000)
    data = bytearray((project / name).read_bytes())
    data[200:260] = b"\x00" * 60  # inside the compressed member
    (project / name).write_bytes(bytes(data))
    result = run("annuaire", "check", name)
    assert result.code == 2
    assert "damaged" in result.err and "Traceback" not in result.err


def test_a_zip_member_of_another_name_is_read(run: Run, project: Path, record: Record) -> None:
    record(definition("ok", A))
    name = write_zip(project, [row("ok@demo.mssante.fr", A)], member="export/mssante.txt")
    result = run("annuaire", "check", name, "-o", "report.txt")
    assert result.code == 0 and result.out == ""
    assert "extraction.zip:export/mssante.txt" in (project / "report.txt").read_text(encoding="utf-8")


def test_malformed_lines_beyond_the_cap_are_counted(
    run: Run, project: Path, record: Record, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(extraction_reader, "MAX_MALFORMED", 3)
    record(definition("ok", A))
    name = write_txt(project, ["bad"] * 10 + [row("ok@demo.mssante.fr", A)])
    result = run("annuaire", "check", name)
    assert result.code == 0  # malformed lines are reported, not a disagreement
    assert "Malformed lines, skipped (10, the first 3 shown):" in result.out
    assert "extraction.txt:4: 1 columns instead of 31" in result.out
    assert "extraction.txt:5:" not in result.out


def test_memory_stays_flat_on_a_large_extraction() -> None:
    """200,000 lines of other domains (~25 MB): nothing kept, the reading buffer only."""
    line = (row("someone@medecin.mssante.fr", A, "PER") + "\n").encode("utf-8")
    ours = (row("ok@demo.mssante.fr", A) + "\n").encode("utf-8")
    data = (HEADER + "\n").encode("utf-8") + line * 100_000 + ours + line * 100_000
    tracemalloc.start()
    try:
        result = scan(io.BufferedReader(io.BytesIO(data)), "big.txt", frozenset({"demo.mssante.fr"}))  # type: ignore[arg-type]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.lines == 200_001 and list(result.rows) == ["ok@demo.mssante.fr"]
    assert result.rows["ok@demo.mssante.fr"][0].line == 100_002
    assert peak < 3 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB for a {len(data) / 1e6:.0f} MB file"


def test_a_project_template_overrides_the_report(run: Run, project: Path, record: Record) -> None:
    record(definition("ok", A))
    folder = project / "templates" / "annuaire"
    folder.mkdir(parents=True)
    (folder / "text.j2").write_text("{{ counts['published'] }} published, agrees: {{ report.agrees }}\n", "utf-8")
    name = write_txt(project, [row("ok@demo.mssante.fr", A)])
    result = run("annuaire", "check", name)
    assert (result.code, result.out) == (0, "1 published, agrees: True\n")
