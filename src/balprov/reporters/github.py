"""GitHub Actions workflow commands: each diagnostic becomes an annotation on the pull request's diff."""

from __future__ import annotations

from typing import TextIO

from balprov.diagnostics import Severity
from balprov.reporters.base import Reporter, escape_controls, summary_line
from balprov.validation import ValidationReport


# The escapes of @actions/core (toolkit/packages/core/src/command.ts): a message (`data`) escapes `%` and
# line breaks; a property value (`file=`, `title=`) also escapes `:` and `,`, which end or split properties.
def _data(text: str) -> str:
    text = escape_controls(text, keep="\t\r\n")  # no ESC sequence reaches the log
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReporter(Reporter):
    name = "github"

    def render(self, report: ValidationReport, out: TextIO) -> None:
        for d in report.diagnostics:
            command = "error" if d.severity == Severity.ERROR or self.settings.strict else "warning"
            properties = (
                f"file={_property(d.file)},line={d.line},col={d.column},title={_property(f'balprov [{d.rule}]')}"
            )
            out.write(f"::{command} {properties}::{_data(d.message)}\n")
        out.write(f"balprov: {summary_line(report)}\n")  # a plain log line, not a workflow command
