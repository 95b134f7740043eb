"""Fuzzing the Annuaire extraction reader: whatever a downloaded extraction holds (text or zip), reading
it gives rows and reported malformed lines, or ExtractionError (the file cannot be used at all: exit 2),
never another exception; and every data line is either kept, skipped as another domain's, or reported.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st

from balprov.exports.extraction import COLUMN_COUNT, COLUMNS, SEPARATOR
from balprov.exports.extraction_reader import ExtractionError, Scan, open_extraction, scan

from .budget import FUZZ

HEADER = SEPARATOR.join(COLUMNS).encode("utf-8")
DOMAINS = frozenset({"demo.mssante.fr"})
ADDRESSES = frozenset({"someone@other.mssante.fr"})
MEMBER = "Extraction_Correspondance_MSSante_20261129.txt"

FIELD = st.sampled_from(
    [
        b"",
        b"CAB",
        b"PER",
        b"ORG",
        b"ok@demo.mssante.fr",
        b"OK@DEMO.MSSANTE.FR ",
        b"someone@other.mssante.fr",
        b"810001045360",
        b"8",
        b"0",
        b"\xff",
        b"\xc3",
        "é".encode(),
        b"|",
        b"\r",
        b"\x00",
        b"@",
        b" ",
    ]
) | st.binary(max_size=8)


@st.composite
def lines(draw: st.DrawFn) -> list[bytes]:
    """Rows of about the right width, some with a column too many or too few, some random."""
    rows = []
    for _ in range(draw(st.integers(0, 12))):
        width = COLUMN_COUNT + draw(st.sampled_from([0, 0, 0, -1, 1, -COLUMN_COUNT + 1]))
        rows.append(b"|".join(draw(FIELD) for _ in range(width)))
    return rows


def run_scan(data: bytes) -> Scan | None:
    try:
        return scan(io.BufferedReader(io.BytesIO(data)), "x.txt", DOMAINS, ADDRESSES)  # type: ignore[arg-type]
    except ExtractionError:
        return None


@FUZZ
@given(st.binary(max_size=3000))
@example(b"")
@example(b"\n")
@example(HEADER)
@example(b"\xef\xbb\xbf" + HEADER + b"\r\n")
def test_any_bytes(data: bytes) -> None:
    run_scan(data)


@FUZZ
@given(lines(), st.sampled_from([b"\n", b"\r\n"]), st.booleans())
def test_rows_are_kept_skipped_or_reported(rows: list[bytes], newline: bytes, final: bool) -> None:
    data = HEADER + newline + newline.join(rows) + (newline if final and rows else b"")
    result = run_scan(data)
    assert result is not None  # the header is right: the file is usable
    kept = sum(len(found) for found in result.rows.values())
    data_lines = len(data.splitlines()) - 1 if b"\r" not in b"".join(rows) else None
    if data_lines is not None:
        assert result.lines == data_lines
    assert kept + result.malformed_count <= result.lines
    assert all(2 <= bad.line <= result.lines + 1 for bad in result.malformed)


@FUZZ
@given(
    st.binary(max_size=2000),
    st.sampled_from(["zip", "damaged-zip", "raw"]),
    st.sampled_from([MEMBER, "a.txt", "b.csv"]),
)
@example(b"", "zip", "b.csv")
def test_any_file_text_or_zip(data: bytes, kind: str, member: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "extraction.zip"
        if kind == "raw":
            path.write_bytes(data)
        else:
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.writestr(member, HEADER + b"\n" + data)
            raw = bytearray(buffer.getvalue())
            if kind == "damaged-zip" and data:
                raw[30 + len(member) + len(data) % 16] ^= 0xFF  # inside the compressed member
            path.write_bytes(bytes(raw))
        try:
            with open_extraction(path, "extraction.zip") as (stream, source, _size):
                scan(stream, source, DOMAINS, ADDRESSES)
        except ExtractionError:
            pass
