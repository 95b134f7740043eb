"""`balprov report -o DIR`: the registry as a static HTML site. Exit 0 written, 1 cannot write, 2 usage error.

Built from the definitions, validated as `plan` validates them (every finding is shown, and a file with
errors is left out of the registry but listed with its findings), and from the state when there is one
(a mailbox's status is what `plan` would do with it). Read-only: the state is neither created nor
locked. The site is `index.html` (a searchable table of every mailbox, delegations ending within
`--within` days of `--today`, the findings) and `mailboxes/<metadata.name>.html` per mailbox; pages of
mailboxes that no longer exist are removed from `mailboxes/`, nothing else in DIR is touched.
"""

from __future__ import annotations

import functools
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from balprov import __version__
from balprov.diagnostics import Severity
from balprov.errors import BalprovError, UsageError
from balprov.files import write_atomically
from balprov.i18n import _
from balprov.planning.diff import Desired
from balprov.planning.make import desired_item, make_plan
from balprov.project import Project, load_project
from balprov.rendering.report import MAILBOX_FOLDER, PAGE_NAME, MailboxView, mailbox_view, render_site
from balprov.state import StateSnapshot
from balprov.state.open import DEFAULT_STATE_PATH, open_state
from balprov.validation import ValidateOptions, ValidationReport, validate

EXIT_OK = 0
DEFAULT_WITHIN_DAYS = 30


@dataclass(frozen=True)
class ReportCommand:
    config: Path | None
    cwd: Path
    today: str
    output: Path
    within_days: int = DEFAULT_WITHIN_DAYS


def _keep(document: Any, file: str, today: str) -> tuple[Any, Desired]:
    """Per valid file (in the validation workers): the document itself and what plan would want of it."""
    return document, desired_item(document, file, today)


def _snapshot(project: Project) -> StateSnapshot | None:
    """The state, when there is one: a missing SQLite file is not created by a report."""
    if project.state_backend == "sqlite":
        path = project.state_path if project.state_path is not None else project.root / DEFAULT_STATE_PATH
        if not path.exists():
            return None
    with open_state(project) as state:
        return state.snapshot()


def _validated(project: Project, today: str) -> ValidationReport:
    if not project.cabinets_dir.is_dir():
        return ValidationReport(0, [])
    keep = functools.partial(_keep, today=today)
    return validate(project, ValidateOptions(paths=[project.cabinets_dir], today=today, keep=keep))


def gather(project: Project, today: str, within_days: int) -> tuple[list[MailboxView], ValidationReport, Any]:
    report = _validated(project, today)
    snapshot = _snapshot(project)
    documents: dict[str, Any] = {}
    desired: dict[str, Desired] = {}
    for file, (document, item) in report.documents.items():
        documents[item.definition["name"]] = (file, document)
        desired[item.definition["name"]] = item
    empty = StateSnapshot(lineage="", serial=0, mailboxes={})
    plan = make_plan(desired, snapshot or empty, today)
    actions = {change.name: change.action for change in plan.changes}
    findings: dict[str, list[Any]] = {}
    for diagnostic in report.diagnostics:
        findings.setdefault(diagnostic.file, []).append(diagnostic)
    views: list[MailboxView] = []
    for name, (file, document) in documents.items():
        definition = {**document["spec"], "name": name}
        views.append(mailbox_view(definition, actions.get(name, "create"), file, today, within_days))
    recorded = snapshot.mailboxes if snapshot is not None else {}
    for name, record in recorded.items():
        if name in documents:
            continue
        broken = report.names.get(name)  # a file that defines it but has errors
        views.append(mailbox_view(record.definition, "invalid" if broken else "delete", broken, today, within_days))
    for view in views:
        applied = recorded.get(view.name)
        if applied is not None:
            view.applied_at, view.applied_by = applied.applied_at, applied.applied_by
        view.findings = findings.get(view.file or "", [])
    views.sort(key=lambda view: (view.display_name.casefold(), view.name))
    return views, report, snapshot


def run(command: ReportCommand, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    stderr = stderr or sys.stderr  # looked up per call: tests and callers swap sys.stderr
    if command.within_days < 0:
        raise UsageError(_("--within takes a number of days, 0 or more"))
    project = load_project(command.config, command.cwd)
    folder = command.cwd / command.output
    if folder.exists() and not folder.is_dir():
        raise UsageError(
            _("{path}: exists and is not a folder; -o takes the folder of the site").format(path=command.output)
        )
    views, report, snapshot = gather(project, command.today, command.within_days)
    ending = sorted(
        ((view, delegate) for view in views for delegate in view.delegataires if delegate.days_left is not None),
        key=lambda pair: (pair[1].valid_until or "", pair[0].name, pair[1].id),
    )
    context = {
        "version": __version__,
        "today": command.today,
        "within_days": command.within_days,
        "project_name": project.root.name,
        "state": snapshot,
        "findings": report.diagnostics,
        "files": report.files,
        "ending": ending,
        "totals": {
            "cotitulaires": sum(len(view.cotitulaires) for view in views),
            "delegataires": sum(len(view.delegataires) for view in views),
            "errors": report.errors,
            "warnings": report.warnings,
        },
    }
    site = render_site(context, views, project.root / "templates")
    for relative, text in site.pages.items():
        _write_page(folder / relative, text)
    _remove_stale_pages(folder / MAILBOX_FOLDER, set(site.pages))
    errors = sum(1 for d in report.diagnostics if d.severity == Severity.ERROR)
    written = _(
        "balprov: report written to {file}: {mailboxes} mailbox(es), {errors} error(s), {warnings} warning(s), "
        "{ending} delegation(s) ending within {days} days"
    ).format(
        file=(command.output / "index.html").as_posix(),
        mailboxes=len(views),
        errors=errors,
        warnings=report.warnings,
        ending=len(ending),
        days=command.within_days,
    )
    stderr.write(written + "\n")
    return EXIT_OK


def _write_page(path: Path, text: str) -> None:
    """Mode 0600, as the pages name people; not fsynced one by one: thousands of pages, and a report is made
    again in seconds."""
    write_atomically(path, text, keep_mode=False, durable=False)


def _remove_stale_pages(pages: Path, written: set[str]) -> None:
    """Pages of mailboxes that are gone; only files named like ours (`<name>.html`)."""
    if not pages.is_dir():
        return
    for page in pages.glob("*.html"):
        if PAGE_NAME.fullmatch(page.stem) and f"{MAILBOX_FOLDER}/{page.name}" not in written:
            try:
                page.unlink()
            except OSError as error:
                raise BalprovError(
                    _("{path}: cannot remove a stale page: {reason}").format(path=page, reason=error.strerror or error)
                ) from None
