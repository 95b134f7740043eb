"""`balprov validate`: exit 0 without errors (warnings allowed), 1 with errors; --strict counts warnings."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from balprov.project import load_project
from balprov.reporters import REPORTERS, ReporterSettings
from balprov.validation import ValidateOptions, validate

EXIT_OK, EXIT_FINDINGS = 0, 1


@dataclass(frozen=True)
class ValidateCommand:
    config: Path | None
    cwd: Path
    paths: list[Path]
    format: str
    strict: bool
    today: str
    jobs: int
    color: bool
    output: Path | None = None


def run(command: ValidateCommand, stdout: TextIO | None = None) -> int:
    stdout = stdout or sys.stdout  # looked up per call: tests and callers swap sys.stdout
    project = load_project(command.config, command.cwd)
    paths = [command.cwd / p for p in command.paths] or [project.cabinets_dir]
    report = validate(project, ValidateOptions(paths=paths, today=command.today, jobs=command.jobs))
    reporter = REPORTERS[command.format](ReporterSettings(color=command.color, strict=command.strict))
    if command.output is not None:
        with command.output.open("w", encoding="utf-8") as out:
            reporter.render(report, out)
    else:
        reporter.render(report, stdout)
    failed = report.errors > 0 or (command.strict and report.warnings > 0)
    return EXIT_FINDINGS if failed else EXIT_OK
