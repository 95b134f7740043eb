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
import os
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import BinaryIO, NamedTuple, cast

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
from balprov.i18n import _, ngettext

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


class OpenedExtraction(NamedTuple):
    stream: BinaryIO
    source: str  # as messages name it
    size: int  # the bytes `stream` holds (a zip member's uncompressed size): the total of a progress bar


@contextlib.contextmanager
def open_extraction(path: Path, display: str) -> Iterator[OpenedExtraction]:
    """The extraction's bytes, from a text file or from the `.txt` member of a zip; its display name and size."""
    try:
        is_zip = zipfile.is_zipfile(path)
        if not is_zip:
            with open(path, "rb", buffering=BUFFER) as handle:
                yield OpenedExtraction(handle, display, os.fstat(handle.fileno()).st_size)
            return
        with zipfile.ZipFile(path) as archive:
            member = _member(archive, display)
            with archive.open(member) as raw:
                # ZipExtFile's own readline is Python code; a BufferedReader over it splits lines in C.
                handle = io.BufferedReader(cast(io.RawIOBase, raw), buffer_size=BUFFER)
                size = archive.getinfo(member).file_size
                yield OpenedExtraction(cast(BinaryIO, handle), f"{display}:{member}", size)
    except FileNotFoundError:
        raise ExtractionError(_("{path}: no such file").format(path=display)) from None
    except IsADirectoryError:
        raise ExtractionError(_("{path}: is a folder, not an extraction file").format(path=display)) from None
    except PermissionError:
        raise ExtractionError(_("{path}: cannot read: permission denied").format(path=display)) from None
    except zipfile.BadZipFile as error:
        raise ExtractionError(_("{path}: damaged zip file: {reason}").format(path=display, reason=error)) from None


def _member(archive: zipfile.ZipFile, display: str) -> str:
    names = [info.filename for info in archive.infolist() if not info.is_dir()]
    texts = [name for name in names if name.lower().endswith(".txt")]
    named = [name for name in texts if Path(name).name.startswith("Extraction_Correspondance_MSSante")]
    for candidates in (named, texts):
        if len(candidates) == 1:
            return candidates[0]
    listed = ", ".join(names[:10]) or _("nothing")
    raise ExtractionError(
        _("{path}: expected one Extraction_Correspondance_MSSante_*.txt in the zip, found: {listed}").format(
            path=display, listed=listed
        )
    )


def _check_header(first: bytes, source: str) -> list[str]:
    """Differences from the documented header (column names only), or ExtractionError if it is none."""
    try:
        text = first.removeprefix(_BOM).rstrip(b"\r\n").decode("utf-8")
    except UnicodeDecodeError:
        raise ExtractionError(
            _("{source}:1: the header is not UTF-8: not an extraction file").format(source=source)
        ) from None
    names = text.split(SEPARATOR)
    if names[:2] != list(COLUMNS[:2]):
        raise ExtractionError(
            _(
                "{source}:1: not an Extraction_Correspondance_MSSante file: the header should start with '{start}'"
            ).format(source=source, start=f"{COLUMNS[0]}{SEPARATOR}{COLUMNS[1]}")
        )
    if len(names) != COLUMN_COUNT:
        raise ExtractionError(
            _("{source}:1: the header has {found} columns; the layout has {expected}").format(
                source=source, found=len(names), expected=COLUMN_COUNT
            )
        )
    return [
        _("column {number} is named {found}, not {expected}").format(
            number=index + 1, found=repr(found), expected=repr(expected)
        )
        for index, (found, expected) in enumerate(zip(names, COLUMNS, strict=True))
        if found != expected
    ]


def scan(
    stream: BinaryIO,
    source: str,
    domains: frozenset[str],
    addresses: frozenset[str] = frozenset(),
    progress: Callable[[int], None] | None = None,
) -> Scan:
    """Read the whole extraction, keeping the rows of type CAB in `domains` and every row of `addresses`.

    `domains` and `addresses` are lowercase. Lines are numbered from 1, the header. `progress` is told the
    bytes read as the scan goes (about every BUFFER bytes), for a progress bar."""
    result = Scan(source)
    progress = progress or _ignore
    try:
        first = stream.readline()
        if not first:
            raise ExtractionError(_("{source}: empty file: not an extraction").format(source=source))
        result.header_differences = _check_header(first, source)
        progress(len(first))
        _scan_rows(stream, result, domains, addresses, progress)
    except (zlib.error, zipfile.BadZipFile, EOFError) as error:
        raise ExtractionError(
            _("{source}: the zip member is damaged after line {line}: {reason}").format(
                source=source, line=result.lines + 1, reason=error
            )
        ) from None
    except OSError as error:
        raise ExtractionError(
            _("{source}: read error after line {line}: {reason}").format(
                source=source, line=result.lines + 1, reason=error
            )
        ) from None
    return result


def _ignore(count: int) -> None:
    """No progress wanted: the scan still goes by blocks, one code path whether a bar is drawn or not."""


def _blocks(stream: BinaryIO, progress: Callable[[int], None]) -> Iterator[list[bytes]]:
    """The lines, in lists of about BUFFER bytes; `progress` is told each list's size once it is scanned.

    Once per block, not per line: the scan is a hot loop (a million lines a second), and both the
    splitting (`readlines`) and the flattening (`chain`) stay in C."""
    while block := stream.readlines(BUFFER):
        yield block
        progress(sum(map(len, block)))


def _scan_rows(
    stream: BinaryIO,
    result: Scan,
    domains: frozenset[str],
    addresses: frozenset[str],
    progress: Callable[[int], None],
) -> None:
    rows = result.rows
    malformed = result.malformed
    separator = b"|"
    number = 1
    for number, raw in enumerate(chain.from_iterable(_blocks(stream, progress)), start=2):
        line = raw.rstrip(b"\r\n")
        if line.count(separator) != _SEPARATORS:
            result.malformed_count += 1
            if len(malformed) < MAX_MALFORMED:
                columns = line.count(separator) + 1 if line else 0
                # the same English either way (unchanged output); a translation uses the plural its language needs
                problem = ngettext(
                    "{columns} columns instead of {expected}", "{columns} columns instead of {expected}", columns
                )
                malformed.append(Malformed(number, problem.format(columns=columns, expected=COLUMN_COUNT)))
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as error:
            result.malformed_count += 1
            if len(malformed) < MAX_MALFORMED:
                malformed.append(
                    Malformed(number, _("not UTF-8 (byte {byte} of the line)").format(byte=error.start + 1))
                )
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
