"""A problem found in a file: one small, sortable value (the yamllint way)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    OFF = "off"


@dataclass(frozen=True, order=True, slots=True)
class Diagnostic:
    """One finding, positioned at the offending value (or key) of a file; line and column are 1-based."""

    file: str
    line: int
    column: int
    rule: str
    severity: Severity
    message: str
    path: str = ""  # JSON pointer into the document, "" when the problem is the file itself

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "path": self.path,
        }
