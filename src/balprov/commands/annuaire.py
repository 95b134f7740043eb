"""`balprov export annuaire` and `balprov annuaire check`: the Annuaire Santé publication.

export annuaire: 0 written, 1 error (a value that would break the layout, a plan that cannot be read
or made), 2 usage error (`--plan` without `--format fhir-patch`).
annuaire check: 0 the extraction agrees with the state, 1 it does not, 2 the extraction or the
configuration cannot be used (missing, not an extraction, damaged zip; a project template of the
report that fails to render).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from balprov.commands.plan import current_plan
from balprov.errors import UsageError
from balprov.exports.check import Expected, compare
from balprov.exports.extraction_csv import render_extraction
from balprov.exports.extraction_reader import open_extraction, scan
from balprov.exports.fhir_bundle import bundle
from balprov.exports.fhir_patch import patch_bundle
from balprov.files import write_atomically
from balprov.formats import EXPORT_FORMATS as EXPORT_FORMATS
from balprov.i18n import _
from balprov.planning.normalize import Definition
from balprov.planning.planfile import read_plan
from balprov.progress import progress_bar
from balprov.project import Project, load_project
from balprov.rendering.annuaire_check import CHECK_FORMATS, render_check
from balprov.state.open import open_state

EXIT_OK, EXIT_DISAGREE = 0, 1
_MB = 1_000_000  # the check's progress bar counts bytes and shows MB (decimal, as the unit says)

__all__ = ["CHECK_FORMATS", "EXPORT_FORMATS", "CheckCommand", "ExportCommand", "check", "export"]


@dataclass(frozen=True)
class ExportCommand:
    config: Path | None
    cwd: Path
    today: str
    format: str = "csv"
    output: Path | None = None
    plan_file: Path | None = None


@dataclass(frozen=True)
class CheckCommand:
    config: Path | None
    cwd: Path
    extraction: Path
    format: str = "text"
    output: Path | None = None


def applied_definitions(project: Project) -> list[Definition]:
    """The normalized definitions of the applied mailboxes, as the state recorded them."""
    with open_state(project) as state:
        snapshot = state.snapshot()
    return [record.definition for record in snapshot.mailboxes.values()]


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def _output(command: ExportCommand | CheckCommand) -> Path | None:
    return command.cwd / command.output if command.output is not None else None


def _emit(text: str, output: Path | None, stdout: TextIO) -> None:
    if output is None:
        stdout.write(text)
    else:
        write_atomically(output, text)


def export(command: ExportCommand, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    stdout = stdout or sys.stdout  # looked up per call: tests and callers swap sys.stdout
    stderr = stderr or sys.stderr  # looked up per call: tests and callers swap sys.stderr
    if command.plan_file is not None and command.format != "fhir-patch":
        raise UsageError(_("--plan goes with --format fhir-patch only"))
    project = load_project(command.config, command.cwd)
    if command.format == "fhir-patch":
        if command.plan_file is not None:
            plan = read_plan(command.cwd / command.plan_file)
        else:
            plan = current_plan(project, command.today, stderr)
        if not plan.has_changes:
            stderr.write(_("balprov: the plan has no changes: the transaction is empty") + "\n")
        _emit(_json(patch_bundle(plan.changes)), _output(command), stdout)
        return EXIT_OK
    definitions = applied_definitions(project)
    if not definitions:
        stderr.write(_("balprov: the state holds no applied mailbox (run `balprov apply` first)") + "\n")
    if command.format == "csv":
        text = render_extraction(definitions)
    else:
        text = _json(bundle(definitions, datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")))
    _emit(text, _output(command), stdout)
    return EXIT_OK


def expectations(project: Project) -> list[Expected]:
    """What the check needs of each applied mailbox; the state's full snapshot is freed on return, before
    the extraction is read (at 10,000 mailboxes it is most of the process's memory)."""
    return [Expected.of(definition) for definition in applied_definitions(project)]


def check(command: CheckCommand, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    stdout = stdout or sys.stdout  # looked up per call: tests and callers swap sys.stdout
    stderr = stderr or sys.stderr  # looked up per call: tests and callers swap sys.stderr
    project = load_project(command.config, command.cwd)
    expected = expectations(project)
    domains = frozenset(operator.domain.lower() for operator in project.operators.values())
    addresses = frozenset(e.address for e in expected)
    path = command.cwd / command.extraction
    with (
        open_extraction(path, project.display(path)) as opened,
        # on a terminal only, never in CI; cleared before the report (or the error) is printed
        progress_bar(stderr, opened.size, _("MB"), scale=_MB) as bar,
    ):
        scanned = scan(opened.stream, opened.source, domains, addresses, progress=bar.advance)
    report = compare(scanned, expected, domains)
    _emit(render_check(report, command.format, project.root / "templates"), _output(command), stdout)
    return EXIT_OK if report.agrees else EXIT_DISAGREE
