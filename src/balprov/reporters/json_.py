"""The contract's JSON shape: version, diagnostics, summary."""

from __future__ import annotations

import json
from typing import TextIO

from balprov.reporters.base import Reporter
from balprov.validation import ValidationReport

JSON_VERSION = 1


class JsonReporter(Reporter):
    name = "json"

    def render(self, report: ValidationReport, out: TextIO) -> None:
        document = {
            "version": JSON_VERSION,
            "diagnostics": [d.as_dict() for d in report.diagnostics],
            "summary": {"files": report.files, "errors": report.errors, "warnings": report.warnings},
        }
        json.dump(document, out, ensure_ascii=False, indent=2)
        out.write("\n")
