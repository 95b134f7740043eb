"""Making a plan: validated documents + the state (+ the providers, with --refresh) -> Plan."""

from __future__ import annotations

import datetime
import hashlib
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from balprov.planning.diff import Desired, diff_definitions, plan_changes
from balprov.planning.model import Drift, Plan
from balprov.planning.normalize import Definition, canonical_json, digest, normalize, scheduled
from balprov.providers import Provider
from balprov.state import StateSnapshot

ProviderFor = Callable[[str], Provider]  # operator id -> opened provider


def desired_item(document: dict[str, Any], file: str, today: str) -> Desired:
    """A valid document as the plan wants it; run in the validation workers, next to the parsing."""
    definition = normalize(document, today)
    return Desired(definition, digest(definition), file, tuple(scheduled(document, today)))


def desired_from(items: Iterable[Desired]) -> dict[str, Desired]:
    return {item.definition["name"]: item for item in items}


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
