"""`balprov plan`: validate, diff against the state, print the plan; `-o` saves it for `apply`.

Exit: 0 success, 1 error; with --detailed-exitcode 0 no changes, 2 changes, 1 error. Never takes the
state's write lock, so a pull request's plan never blocks an apply.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from balprov.errors import BalprovError
from balprov.planning.make import desired_from, make_plan
from balprov.planning.model import Plan
from balprov.planning.planfile import write_plan
from balprov.project import Project, load_project
from balprov.providers.pool import ProviderPool
from balprov.rendering import render_plan
from balprov.reporters import REPORTERS, ReporterSettings
from balprov.state.open import open_state
from balprov.validation import ValidateOptions, validate

EXIT_OK, EXIT_ERROR, EXIT_CHANGES = 0, 1, 2


class InvalidDefinitions(BalprovError):
    """The definitions have errors: nothing can be planned from them."""


@dataclass(frozen=True)
class PlanCommand:
    config: Path | None
    cwd: Path
    today: str
    format: str = "text"
    out_file: Path | None = None
    detailed_exitcode: bool = False
    refresh: bool = False
    color: bool = False


def current_plan(project: Project, today: str, stderr: TextIO, *, refresh: bool = False) -> Plan:
    """Validate every definition, then plan against the state (read-only)."""
    report = validate(project, ValidateOptions(paths=[project.cabinets_dir], today=today, keep_documents=True))
    if report.errors:
        REPORTERS["text"](ReporterSettings()).render(report, stderr)
        raise InvalidDefinitions(f"{report.errors} error(s) in the definitions: nothing was planned")
    if report.warnings:
        stderr.write(f"balprov: {report.warnings} validation warning(s); see `balprov validate`\n")
    desired = desired_from(report.documents, today)
    with open_state(project) as state:
        snapshot = state.snapshot()
        with ProviderPool(project, snapshot.lineage) as providers:
            return make_plan(desired, snapshot, today, providers.get if refresh else None)


def run(command: PlanCommand, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    stdout = stdout or sys.stdout  # looked up per call: tests and callers swap sys.stdout
    stderr = stderr or sys.stderr  # looked up per call: tests and callers swap sys.stderr
    project = load_project(command.config, command.cwd)
    plan = current_plan(project, command.today, stderr, refresh=command.refresh)
    stdout.write(render_plan(plan, command.format, project.root / "templates", color=command.color))
    if command.out_file is not None:
        write_plan(plan, command.out_file)
        stderr.write(
            f"balprov: plan saved to {command.out_file}; apply exactly it with `balprov apply {command.out_file}`\n"
        )
    if command.detailed_exitcode:
        return EXIT_CHANGES if plan.has_changes else EXIT_OK
    return EXIT_OK
