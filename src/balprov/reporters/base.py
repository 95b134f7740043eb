from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar, TextIO

from balprov.i18n import _, ngettext
from balprov.validation import ValidationReport


@dataclass(frozen=True)
class ReporterSettings:
    color: bool = False
    strict: bool = False  # warnings count as errors
    # Every file checked, as displayed, for formats that list clean files too (JUnit: one test case per
    # file). Empty: only the files named by a diagnostic are known.
    files: tuple[str, ...] = ()


# C0 and C1 control characters. A message may quote a value of the file checked, and a hostile file could
# otherwise move the cursor, clear the screen or rewrite a CI log through an ESC sequence in an identifier.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def escape_controls(text: str, keep: str = "\t") -> str:
    """`text` with its control characters shown as `\\xNN`, except those in `keep`."""
    return _CONTROL.sub(lambda m: m.group() if m.group() in keep else f"\\x{ord(m.group()):02x}", text)


def summary_line(report: ValidationReport) -> str:
    """`4 files checked: 5 errors, 1 warning`: the last line of the text and github formats."""
    files = ngettext("{count} file checked", "{count} files checked", report.files).format(count=report.files)
    errors = ngettext("{count} error", "{count} errors", report.errors).format(count=report.errors)
    warnings = ngettext("{count} warning", "{count} warnings", report.warnings).format(count=report.warnings)
    return _("{files}: {errors}, {warnings}").format(files=files, errors=errors, warnings=warnings)


class Reporter(ABC):
    name: ClassVar[str]

    def __init__(self, settings: ReporterSettings) -> None:
        self.settings = settings

    @abstractmethod
    def render(self, report: ValidationReport, out: TextIO) -> None: ...
