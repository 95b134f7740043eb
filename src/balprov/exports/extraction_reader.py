"""A real extraction, streamed: `Extraction_Correspondance_MSSante_*.txt`, or the `.zip` ANS ships.

The file has hundreds of thousands of lines; it is read line by line (from the zip member directly,
never extracted to disk) and only the rows a check needs are kept: those of type CAB whose address is
in one of the given domains, and those of any type whose address is one of the given addresses. Memory
therefore depends on the project's mailboxes, not on the file.

Every line is checked: one that does not have 31 columns or is not UTF-8 is malformed; it is counted,
the first MAX_MALFORMED are kept with their line number and problem, and it is skipped.
"""

from __future__ import annotations

import contextlib
import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, cast

from balprov.errors import BalprovError
from balprov.exports.extraction import (
    COLUMN_COUNT,
    COLUMNS,
    PP_ID,
    PP_ID_TYPE,
    PP_NATIONAL_ID,
    SEPARATOR,
    TYPE_BAL,
    TYPE_CAB,
)

MAX_MALFORMED = 1000
BUFFER = 1 << 20
_BOM = b"\xef\xbb\xbf"
_SEPARATORS = COLUMN_COUNT - 1


class ExtractionError(BalprovError):
    """The file cannot be read as an extraction at all (missing, not a zip, no header, damaged)."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class Malformed:
    line: int
    problem: str


@dataclass(frozen=True, slots=True)
class PublishedRow:
    line: int
    type: str  # Type de BAL
    address: str  # lowercase
    holder: str  # Identification nationale PP ("8" + RPPS), or built from the type and identifier; "" if none


@dataclass
class Scan:
    source: str  # as messages name it: "extraction.zip:Extraction_....txt"
    lines: int = 0  # data lines read (the header excluded)
    rows: dict[str, list[PublishedRow]] = field(default_factory=dict)  # kept rows, by address
    malformed: list[Malformed] = field(default_factory=list)  # the first MAX_MALFORMED
    malformed_count: int = 0
    header_differences: list[str] = field(default_factory=list)


@contextlib.contextmanager
def open_extraction(path: Path, display: str) -> Iterator[tuple[BinaryIO, str]]:
    """The extraction's bytes, from a text file or from the `.txt` member of a zip; and its display name."""
    try:
        is_zip = zipfile.is_zipfile(path)
        if not is_zip:
            with open(path, "rb", buffering=BUFFER) as handle:
                yield handle, display
            return
        with zipfile.ZipFile(path) as archive:
            member = _member(archive, display)
            with archive.open(member) as raw:
                # ZipExtFile's own readline is Python code; a BufferedReader over it splits lines in C.
                handle = io.BufferedReader(cast(io.RawIOBase, raw), buffer_size=BUFFER)
                yield cast(BinaryIO, handle), f"{display}:{member}"
    except FileNotFoundError:
        raise ExtractionError(f"{display}: no such file") from None
    except IsADirectoryError:
        raise ExtractionError(f"{display}: is a folder, not an extraction file") from None
    except PermissionError:
        raise ExtractionError(f"{display}: cannot read: permission denied") from None
    except zipfile.BadZipFile as error:
        raise ExtractionError(f"{display}: damaged zip file: {error}") from None


def _member(archive: zipfile.ZipFile, display: str) -> str:
    names = [info.filename for info in archive.infolist() if not info.is_dir()]
    texts = [name for name in names if name.lower().endswith(".txt")]
    named = [name for name in texts if Path(name).name.startswith("Extraction_Correspondance_MSSante")]
    for candidates in (named, texts):
        if len(candidates) == 1:
            return candidates[0]
    listed = ", ".join(names[:10]) or "nothing"
    raise ExtractionError(
        f"{display}: expected one Extraction_Correspondance_MSSante_*.txt in the zip, found: {listed}"
    )


def _check_header(first: bytes, source: str) -> list[str]:
    """Differences from the documented header (column names only), or ExtractionError if it is none."""
    try:
        text = first.removeprefix(_BOM).rstrip(b"\r\n").decode("utf-8")
    except UnicodeDecodeError:
        raise ExtractionError(f"{source}:1: the header is not UTF-8: not an extraction file") from None
    names = text.split(SEPARATOR)
    if names[:2] != list(COLUMNS[:2]):
        raise ExtractionError(
            f"{source}:1: not an Extraction_Correspondance_MSSante file: the header should start with "
            f"'{COLUMNS[0]}{SEPARATOR}{COLUMNS[1]}'"
        )
    if len(names) != COLUMN_COUNT:
        raise ExtractionError(f"{source}:1: the header has {len(names)} columns; the layout has {COLUMN_COUNT}")
    return [
        f"column {index + 1} is named {found!r}, not {expected!r}"
        for index, (found, expected) in enumerate(zip(names, COLUMNS, strict=True))
        if found != expected
    ]


def scan(stream: BinaryIO, source: str, domains: frozenset[str], addresses: frozenset[str] = frozenset()) -> Scan:
    """Read the whole extraction, keeping the rows of type CAB in `domains` and every row of `addresses`.

    `domains` and `addresses` are lowercase. Lines are numbered from 1, the header."""
    result = Scan(source)
    try:
        first = stream.readline()
        if not first:
            raise ExtractionError(f"{source}: empty file: not an extraction")
        result.header_differences = _check_header(first, source)
        _scan_rows(stream, result, domains, addresses)
    except (zlib.error, zipfile.BadZipFile, EOFError) as error:
        raise ExtractionError(f"{source}: the zip member is damaged after line {result.lines + 1}: {error}") from None
    except OSError as error:
        raise ExtractionError(f"{source}: read error after line {result.lines + 1}: {error}") from None
    return result


def _scan_rows(stream: BinaryIO, result: Scan, domains: frozenset[str], addresses: frozenset[str]) -> None:
    rows = result.rows
    malformed = result.malformed
    separator = b"|"
    number = 1
    for number, raw in enumerate(stream, start=2):
        line = raw.rstrip(b"\r\n")
        if line.count(separator) != _SEPARATORS:
            result.malformed_count += 1
            if len(malformed) < MAX_MALFORMED:
                columns = line.count(separator) + 1 if line else 0
                malformed.append(Malformed(number, f"{columns} columns instead of {COLUMN_COUNT}"))
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as error:
            result.malformed_count += 1
            if len(malformed) < MAX_MALFORMED:
                malformed.append(Malformed(number, f"not UTF-8 (byte {error.start + 1} of the line)"))
            continue
        type_end = text.index(SEPARATOR)
        address_end = text.index(SEPARATOR, type_end + 1)
        address = text[type_end + 1 : address_end].strip().lower()
        if address.rpartition("@")[2] not in domains and address not in addresses:
            continue
        if text[:type_end].strip() != TYPE_CAB and address not in addresses:
            continue
        fields = text.split(SEPARATOR)
        rows.setdefault(address, []).append(PublishedRow(number, fields[TYPE_BAL].strip(), address, _holder(fields)))
    result.lines = number - 1


def _holder(fields: list[str]) -> str:
    national = fields[PP_NATIONAL_ID].strip()
    if national:
        return national
    kind, identifier = fields[PP_ID_TYPE].strip(), fields[PP_ID].strip()
    return kind + identifier if kind and identifier else ""
