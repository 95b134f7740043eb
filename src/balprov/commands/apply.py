"""`balprov apply [PLANFILE]`: exit 0 applied, 1 error (nothing changed), 3 partly applied."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from balprov.applying.actor import current_actor
from balprov.applying.execute import ApplyOutcome, execute
from balprov.applying.guard import PlanRefused, check_applicable, check_deletions
from balprov.commands.plan import current_plan
from balprov.i18n import N_, _
from balprov.planning.model import Change
from balprov.planning.planfile import read_plan
from balprov.progress import progress_bar
from balprov.project import load_project
from balprov.providers.pool import ProviderPool
from balprov.rendering import render_plan
from balprov.state.open import open_state

EXIT_OK, EXIT_ERROR = 0, 1


@dataclass(frozen=True)
class ApplyCommand:
    config: Path | None
    cwd: Path
    today: str
    plan_file: Path | None = None
    auto_approve: bool = False
    allow_delete: bool = False
    continue_on_error: bool = False
    lock_timeout: float = 0.0
    adopt: bool = False  # providers may take over existing entries they did not create
    color: bool = False
    confirm: Callable[[str], bool] | None = None  # None: no terminal to ask on


def run(command: ApplyCommand, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    stdout = stdout or sys.stdout  # looked up per call: tests and callers swap sys.stdout
    stderr = stderr or sys.stderr  # looked up per call: tests and callers swap sys.stderr
    project = load_project(command.config, command.cwd)
    saved = read_plan(command.plan_file) if command.plan_file is not None else None
    templates = project.root / "templates"
    with open_state(project) as state:
        lock = state.acquire_lock("apply", command.lock_timeout)
        try:
            snapshot = state.snapshot()
            if saved is not None:
                check_applicable(saved, snapshot, state)
                plan = saved
            else:  # planned under the lock, so nothing can move between this plan and its apply
                plan = current_plan(project, command.today, stderr, cache=False)
            stdout.write(render_plan(plan, "text", templates, color=command.color))
            if not plan.has_changes:
                return EXIT_OK
            check_deletions(plan, command.allow_delete)
            if saved is None and not command.auto_approve:
                if command.confirm is None:
                    raise PlanRefused(
                        _("apply asks for confirmation on a terminal; pass --auto-approve to apply without one")
                    )
                if not command.confirm(_("Apply these changes?")):
                    stderr.write(_("balprov: apply cancelled; nothing changed") + "\n")
                    return EXIT_ERROR
            stdout.write("\n")
            with (
                ProviderPool(project, snapshot.lineage, adopt=command.adopt) as providers,
                progress_bar(stderr, len(plan.pending), _("mailboxes")) as bar,  # on a terminal only, never in CI
            ):
                outcome = execute(
                    plan,
                    state,
                    providers.get,
                    current_actor(project.root),
                    continue_on_error=command.continue_on_error,
                    progress=bar.around(lambda change, error: _progress(stdout, change, error)),
                )
        finally:
            state.release_lock(lock.lock_id)
    _report(outcome, stdout, stderr)
    return outcome.exit_code


_DONE = {"create": N_("created"), "update": N_("updated"), "delete": N_("deleted")}


def _progress(out: TextIO, change: Change, error: str | None) -> None:
    if error is None:
        out.write(f"  {_(_DONE[change.action])} {change.name} ({change.address})\n")
    else:
        line = _("  FAILED {action} {name} ({address}): {error}").format(
            action=change.action, name=change.name, address=change.address, error=error
        )
        out.write(line + "\n")
    out.flush()


def _report(outcome: ApplyOutcome, out: TextIO, err: TextIO) -> None:
    summary = _("Apply: {applied} applied, {failed} failed, {not_attempted} not attempted.").format(
        applied=len(outcome.applied), failed=len(outcome.failed), not_attempted=len(outcome.not_attempted)
    )
    out.write("\n" + summary + "\n")
    if outcome.not_attempted:
        names = ", ".join(change.name for change in outcome.not_attempted)
        out.write(_("Not attempted: {names}").format(names=names) + "\n")
    if outcome.failed:
        err.write(
            _(
                "balprov: the state records exactly what was applied; fix the cause and run `balprov apply` again "
                "to converge"
            )
            + "\n"
        )
