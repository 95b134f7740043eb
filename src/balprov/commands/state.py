"""`balprov state list | show NAME | history [NAME] | migrate | copy --to CONFIG` and `balprov force-unlock LOCK_ID`."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any, TextIO

import yaml

from balprov.errors import BalprovError
from balprov.i18n import _
from balprov.project import load_project
from balprov.state.copy import copy_state
from balprov.state.open import migrate_state, open_state

EXIT_OK = 0


def _dump_json(value: Any, out: TextIO) -> None:
    json.dump(value, out, ensure_ascii=False, indent=2)
    out.write("\n")


def list_mailboxes(config: Path | None, cwd: Path, output_format: str, out: TextIO | None = None) -> int:
    out = out or sys.stdout  # looked up per call: tests and callers swap sys.stdout
    with open_state(load_project(config, cwd)) as state:
        snapshot = state.snapshot()
    records = [snapshot.mailboxes[name] for name in sorted(snapshot.mailboxes)]
    if output_format == "json":
        _dump_json(
            {
                "lineage": snapshot.lineage,
                "serial": snapshot.serial,
                "mailboxes": [
                    {
                        "name": r.name,
                        "address": r.address,
                        "digest": r.digest,
                        "applied_at": r.applied_at,
                        "applied_by": r.applied_by,
                    }
                    for r in records
                ],
            },
            out,
        )
        return EXIT_OK
    heading = _("state lineage {lineage}, serial {serial}, {count} mailbox(es)").format(
        lineage=snapshot.lineage, serial=snapshot.serial, count=len(records)
    )
    out.write(heading + "\n")
    for r in records:
        holders = len(r.definition["cotitulaires"])
        delegates = len(r.definition["delegataires"])
        line = _("{name}  {address}  {holders} cotitulaire(s), {delegates} délégataire(s)  applied {at} by {by}")
        out.write(
            line.format(
                name=r.name, address=r.address, holders=holders, delegates=delegates, at=r.applied_at, by=r.applied_by
            )
            + "\n"
        )
    return EXIT_OK


def show_mailbox(config: Path | None, cwd: Path, name: str, output_format: str, out: TextIO | None = None) -> int:
    out = out or sys.stdout  # looked up per call: tests and callers swap sys.stdout
    with open_state(load_project(config, cwd)) as state:
        record = state.snapshot().mailboxes.get(name)
    if record is None:
        raise BalprovError(_("no mailbox {name!r} in the state (see `balprov state list`)").format(name=name))
    if output_format == "json":
        _dump_json(record.as_dict(), out)
    else:
        out.write(yaml.safe_dump(record.as_dict(), allow_unicode=True, sort_keys=False, width=120))
    return EXIT_OK


def history(config: Path | None, cwd: Path, name: str | None, output_format: str, out: TextIO | None = None) -> int:
    out = out or sys.stdout  # looked up per call: tests and callers swap sys.stdout
    with open_state(load_project(config, cwd)) as state:
        entries = state.history(name)
    if output_format == "json":
        _dump_json({"entries": [asdict(entry) for entry in entries]}, out)
        return EXIT_OK
    for e in entries:
        accountable = _(", accountable {person}").format(person=e.accountable) if e.accountable else ""
        commit = _(", commit {commit}").format(commit=e.git_commit[:12]) if e.git_commit else ""
        line = _("#{serial} {at} {action} {name} ({address}) by {actor}@{host}").format(
            serial=e.serial, at=e.at, action=e.action, name=e.name, address=e.address, actor=e.actor, host=e.host
        )
        out.write(f"{line}{accountable}{commit}\n")
    if not entries:
        if name:
            out.write(_("no applied change recorded for {name}").format(name=name) + "\n")
        else:
            out.write(_("no applied change recorded") + "\n")
    return EXIT_OK


def force_unlock(config: Path | None, cwd: Path, lock_id: str, out: TextIO | None = None) -> int:
    out = out or sys.stdout  # looked up per call: tests and callers swap sys.stdout
    with open_state(load_project(config, cwd)) as state:
        removed = state.force_unlock(lock_id)
    out.write(_("removed {lock}").format(lock=removed.describe()) + "\n")
    return EXIT_OK


def migrate(config: Path | None, cwd: Path, out: TextIO | None = None) -> int:
    """Create or upgrade the state's schema; idempotent. Prints the version before and after."""
    out = out or sys.stdout  # looked up per call: tests and callers swap sys.stdout
    result = migrate_state(load_project(config, cwd))
    if result.applied:
        migrated = _("{state}: state schema migrated from version {before} to {after} ({steps})").format(
            state=result.display, before=result.before, after=result.after, steps=", ".join(result.applied)
        )
        out.write(migrated + "\n")
    else:
        current = _("{state}: state schema at version {version}, nothing to migrate")
        out.write(current.format(state=result.display, version=result.after) + "\n")
    return EXIT_OK


def copy(
    config: Path | None,
    cwd: Path,
    to: Path,
    force: bool,
    lock_timeout: float,
    out: TextIO | None = None,
) -> int:
    """Copy this project's state to the state described by the balprov.yaml `to`."""
    out = out or sys.stdout  # looked up per call: tests and callers swap sys.stdout
    source_project = load_project(config, cwd)
    target_project = load_project(to, cwd)
    with open_state(source_project) as source, open_state(target_project) as target:
        copied = copy_state(source, target, force=force, lock_timeout=lock_timeout)
        done = _(
            "copied state lineage {lineage}, serial {serial} ({mailboxes} mailbox(es), {entries} journal entries) "
            "from {source} to {target}"
        ).format(
            lineage=copied.lineage,
            serial=copied.serial,
            mailboxes=len(copied.mailboxes),
            entries=len(copied.journal),
            source=source.display,
            target=target.display,
        )
        out.write(done + "\n")
    return EXIT_OK
