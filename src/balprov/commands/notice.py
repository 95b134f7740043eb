"""`balprov notice patients|partners NAME`: the fiche's step-4 notices for one mailbox.

The mailbox is taken from the state (what exists at the operator); one not applied yet is rendered
from its definition in `cabinets/`, which must then be free of errors, with a note on stderr.
Exit: 0 written, 1 no such mailbox or its definition has errors, 2 usage or configuration error (no
template for `--lang`, a project template that fails to render).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from balprov.commands.annuaire import applied_definitions
from balprov.diagnostics import Severity
from balprov.errors import BalprovError
from balprov.files import write_atomically
from balprov.i18n import _
from balprov.planning.normalize import Definition, normalize
from balprov.project import Project, load_project
from balprov.rendering.notice import DEFAULT_LANGUAGE, NOTICE_FORMATS, NOTICE_KINDS, render_notice
from balprov.validation import ValidateOptions, validate

__all__ = ["NOTICE_FORMATS", "NOTICE_KINDS", "NoticeCommand", "run"]


@dataclass(frozen=True)
class NoticeCommand:
    config: Path | None
    cwd: Path
    kind: str  # patients | partners
    name: str
    today: str
    format: str = "markdown"
    language: str = DEFAULT_LANGUAGE
    output: Path | None = None


def find_definition(project: Project, name: str, today: str, stderr: TextIO) -> Definition:
    """The applied mailbox `name`, or else its (error-free) definition in cabinets/."""
    for definition in applied_definitions(project):
        if definition["name"] == name:
            return definition
    options = ValidateOptions(paths=[project.cabinets_dir], today=today, keep=lambda document, _file: document)
    report = validate(project, options)
    file = report.names.get(name)
    if file is not None:
        errors = [d for d in report.diagnostics if d.file == file and d.severity == Severity.ERROR]
        if errors:
            first = errors[0]
            raise BalprovError(
                _(
                    "mailbox {name} is not applied and its definition has {count} error(s), the first "
                    "{where}: [{rule}] {message} (see `balprov validate`)"
                ).format(
                    name=name,
                    count=len(errors),
                    where=f"{first.file}:{first.line}:{first.column}",
                    rule=first.rule,
                    message=first.message,
                )
            )
        note = _("balprov: {name} is not applied yet: the notice is rendered from {file}").format(name=name, file=file)
        stderr.write(note + "\n")
        return normalize(report.documents[file], today)
    raise BalprovError(
        _("no mailbox {name!r} in the state or in the definitions (see `balprov state list`)").format(name=name)
    )


def run(command: NoticeCommand, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    stdout = stdout or sys.stdout  # looked up per call: tests and callers swap sys.stdout
    stderr = stderr or sys.stderr  # looked up per call: tests and callers swap sys.stderr
    project = load_project(command.config, command.cwd)
    definition = find_definition(project, command.name, command.today, stderr)
    text = render_notice(definition, command.kind, command.format, command.language, project.root / "templates")
    if command.output is None:
        stdout.write(text)
    else:
        write_atomically(command.cwd / command.output, text)
    return 0
