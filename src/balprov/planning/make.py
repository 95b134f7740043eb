"""Making a plan: validated documents + the state (+ the providers, with --refresh) -> Plan."""

from __future__ import annotations

import datetime
import hashlib
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from balprov.errors import BalprovError
from balprov.loading import load_yaml
from balprov.planning.diff import Desired, diff_definitions, plan_changes
from balprov.planning.model import Drift, Plan
from balprov.planning.normalize import Definition, canonical_json, digest, normalize, scheduled
from balprov.providers import Provider
from balprov.state import StateSnapshot

ProviderFor = Callable[[str], Provider]  # operator id -> opened provider


# What a validation worker sends back per valid file: (name, digest, file, scheduled délégataires). Light on
# purpose: most mailboxes are unchanged, and for those the state already holds the very same definition.
DesiredRef = tuple[str, str, str, tuple[dict[str, Any], ...]]


class ChangedWhilePlanning(BalprovError):
    """A definition file changed between its validation and its use: the plan would not be what was checked."""


def desired_item(document: dict[str, Any], file: str, today: str) -> Desired:
    """A valid document as the plan wants it."""
    definition = normalize(document, today)
    return Desired(definition, digest(definition), file, tuple(scheduled(document, today)))


def desired_ref(document: dict[str, Any], file: str, today: str) -> DesiredRef:
    """Run in the validation workers, next to the parsing."""
    item = desired_item(document, file, today)
    return item.definition["name"], item.digest, file, item.scheduled


def desired_from(refs: Iterable[DesiredRef], snapshot: StateSnapshot, root: Path, today: str) -> dict[str, Desired]:
    """Full desired definitions: the recorded one where the digests match (it is the same definition),
    else the file read again in this process, checked against the digest its validation produced."""
    desired: dict[str, Desired] = {}
    for name, wanted, file, later in refs:
        record = snapshot.mailboxes.get(name)
        if record is not None and record.digest == wanted:
            definition = record.definition
        else:
            definition = _reload(root / file, file, today)
            if digest(definition) != wanted:
                raise ChangedWhilePlanning(f"{file} changed while balprov was planning; run the command again")
        desired[name] = Desired(definition, wanted, file, later)
    return desired


def _reload(path: Path, file: str, today: str) -> Definition:
    try:
        loaded = load_yaml(path.read_bytes())
    except OSError as error:
        raise ChangedWhilePlanning(f"{file} cannot be read again ({error.strerror}); run the command again") from None
    if not isinstance(loaded.data, dict) or loaded.problems:
        raise ChangedWhilePlanning(f"{file} changed while balprov was planning; run the command again")
    try:
        return normalize(loaded.data, today)
    except (KeyError, TypeError, AttributeError):  # now invalid: it changed after validation
        raise ChangedWhilePlanning(f"{file} changed while balprov was planning; run the command again") from None


def make_plan(
    desired: dict[str, Desired],
    snapshot: StateSnapshot,
    today: str,
    provider_for: ProviderFor | None = None,
) -> Plan:
    """With `provider_for`, the operator's side is read back first (refresh): a mailbox changed
    outside balprov is reported as drift, and the plan starts from what the operator really holds."""
    recorded: dict[str, Definition] = {name: record.definition for name, record in snapshot.mailboxes.items()}
    digests = {name: record.digest for name, record in snapshot.mailboxes.items()}
    drift: list[Drift] = []
    if provider_for is not None:
        for name, record in sorted(snapshot.mailboxes.items()):
            actual = provider_for(record.definition["operator"]).read(record.address)
            if actual is None:
                drift.append(Drift(name, record.address, (), missing=True))
                del recorded[name], digests[name]
            elif digest(actual) != record.digest:
                drift.append(Drift(name, record.address, tuple(diff_definitions(record.definition, actual))))
                recorded[name], digests[name] = actual, digest(actual)
    inputs = {"today": today, "definitions": {name: item.digest for name, item in sorted(desired.items())}}
    return Plan(
        lineage=snapshot.lineage,
        serial=snapshot.serial,
        today=today,
        inputs_digest="sha256:" + hashlib.sha256(canonical_json(inputs).encode("utf-8")).hexdigest(),
        changes=tuple(plan_changes(desired, recorded, today, digests)),
        drift=tuple(drift),
        plan_id=str(uuid.uuid4()),
        created_at=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    )
