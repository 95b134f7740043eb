"""`file:line:col severity [slug] message`, grouped per file, a summary line last; colour on a terminal."""

from __future__ import annotations

from itertools import groupby
from typing import TextIO

import click

from balprov.diagnostics import Severity
from balprov.reporters.base import Reporter, escape_controls, summary_line
from balprov.validation import ValidationReport

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow"}


class TextReporter(Reporter):
    name = "text"

    def render(self, report: ValidationReport, out: TextIO) -> None:
        color = self.settings.color
        for index, (_, group) in enumerate(groupby(report.diagnostics, key=lambda d: d.file)):
            if index:
                out.write("\n")
            for d in group:
                position = f"{escape_controls(d.file)}:{d.line}:{d.column}"
                where = click.style(position, bold=True) if color else position
                level = click.style(d.severity.value, fg=_COLOURS[d.severity]) if color else d.severity.value
                out.write(f"{where} {level} [{d.rule}] {escape_controls(d.message)}\n")
        summary = summary_line(report)
        if report.diagnostics:
            out.write("\n")
        out.write((click.style(summary, bold=True) if color else summary) + "\n")
