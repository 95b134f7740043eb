"""`balprov validate`: exit 0 without errors (warnings allowed), 1 with errors; --strict counts warnings."""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from balprov.errors import UsageError
from balprov.i18n import _
from balprov.project import load_project
from balprov.reporters import REPORTERS, ReporterSettings
from balprov.validation import ValidateOptions, validate
from balprov.validation.changed import changed_since
from balprov.validation.discovery import discover

EXIT_OK, EXIT_FINDINGS = 0, 1

# Formats that list every file checked, clean ones included (JUnit: one test case per file).
_LIST_EVERY_FILE = frozenset({"junit"})


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
    changed_since: str | None = None  # a git ref: only the files changed since, cross-file rules over all
    cache: bool = True  # reuse per-file results from .balprov/cache/ (validation/cache.py)


def run(command: ValidateCommand, stdout: TextIO | None = None) -> int:
    stdout = stdout or sys.stdout  # looked up per call: tests and callers swap sys.stdout
    project = load_project(command.config, command.cwd)
    for path in command.paths:
        if not (command.cwd / path).exists():  # named as the user typed it, not as an absolute path
            raise UsageError(_("{path}: no such file or folder").format(path=path))
    if command.changed_since is not None:
        paths = changed_since(project.root, command.changed_since, project.cabinets_dir)
    else:
        paths = [command.cwd / p for p in command.paths] or [project.cabinets_dir]
    # Named files (pre-commit's) or changed ones are checked against the whole folder for duplicates.
    narrowed = bool(command.paths) or command.changed_since is not None
    context = [project.cabinets_dir] if narrowed and project.cabinets_dir.is_dir() else []
    options = ValidateOptions(paths=paths, today=command.today, jobs=command.jobs, context=context, cache=command.cache)
    report = validate(project, options)
    checked = (
        tuple(display for _, display in discover(paths, project.root)) if command.format in _LIST_EVERY_FILE else ()
    )
    reporter = REPORTERS[command.format](ReporterSettings(color=command.color, strict=command.strict, files=checked))
    if command.output is not None:
        buffer = io.StringIO()
        reporter.render(report, buffer)
        try:
            with command.output.open("w", encoding="utf-8") as out:
                out.write(buffer.getvalue())
        except OSError as error:
            raise UsageError(
                _("{path}: cannot write the report: {reason}").format(path=command.output, reason=error.strerror)
            ) from None
    else:
        reporter.render(report, stdout)
    failed = report.errors > 0 or (command.strict and report.warnings > 0)
    return EXIT_FINDINGS if failed else EXIT_OK
