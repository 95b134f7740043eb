"""`balprov state list | show NAME | history [NAME]` and `balprov force-unlock LOCK_ID`."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any, TextIO

import yaml

from balprov.errors import BalprovError
from balprov.project import load_project
from balprov.state.open import open_state

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
    out.write(f"state lineage {snapshot.lineage}, serial {snapshot.serial}, {len(records)} mailbox(es)\n")
    for r in records:
        holders = len(r.definition["cotitulaires"])
        delegates = len(r.definition["delegataires"])
        out.write(
            f"{r.name}  {r.address}  {holders} cotitulaire(s), {delegates} délégataire(s)  "
            f"applied {r.applied_at} by {r.applied_by}\n"
        )
    return EXIT_OK


def show_mailbox(config: Path | None, cwd: Path, name: str, output_format: str, out: TextIO | None = None) -> int:
    out = out or sys.stdout  # looked up per call: tests and callers swap sys.stdout
    with open_state(load_project(config, cwd)) as state:
        record = state.snapshot().mailboxes.get(name)
    if record is None:
        raise BalprovError(f"no mailbox {name!r} in the state (see `balprov state list`)")
    if output_format == "json":
        _dump_json(asdict(record), out)
    else:
        out.write(yaml.safe_dump(asdict(record), allow_unicode=True, sort_keys=False, width=120))
    return EXIT_OK


def history(config: Path | None, cwd: Path, name: str | None, output_format: str, out: TextIO | None = None) -> int:
    out = out or sys.stdout  # looked up per call: tests and callers swap sys.stdout
    with open_state(load_project(config, cwd)) as state:
        entries = state.history(name)
    if output_format == "json":
        _dump_json({"entries": [asdict(entry) for entry in entries]}, out)
        return EXIT_OK
    for e in entries:
        accountable = f", accountable {e.accountable}" if e.accountable else ""
        commit = f", commit {e.git_commit[:12]}" if e.git_commit else ""
        out.write(f"#{e.serial} {e.at} {e.action} {e.name} ({e.address}) by {e.actor}@{e.host}{accountable}{commit}\n")
    if not entries:
        out.write("no applied change recorded" + (f" for {name}" if name else "") + "\n")
    return EXIT_OK


def force_unlock(config: Path | None, cwd: Path, lock_id: str, out: TextIO | None = None) -> int:
    out = out or sys.stdout  # looked up per call: tests and callers swap sys.stdout
    with open_state(load_project(config, cwd)) as state:
        removed = state.force_unlock(lock_id)
    out.write(f"removed {removed.describe()}\n")
    return EXIT_OK
