"""Making a plan: validated documents + the state (+ the providers, with --refresh) -> Plan."""

from __future__ import annotations

import datetime
import functools
import hashlib
import uuid
from collections.abc import Callable, Iterable, Iterator, MutableMapping, Sequence
from pathlib import Path
from typing import Any

from balprov.errors import BalprovError
from balprov.i18n import _
from balprov.loading import load_yaml
from balprov.planning.diff import Desired, diff_definitions, plan_changes
from balprov.planning.model import Drift, Plan
from balprov.planning.normalize import Definition, canonical_json, digest, normalize, scheduled
from balprov.providers import Provider
from balprov.state import StateSnapshot

ProviderFor = Callable[[str], Provider]  # operator id -> opened provider


# What a validation worker sends back per valid file: (name, digest, scheduled délégataires). Light on
# purpose: most mailboxes are unchanged, and for those the state already holds the very same definition.
# Plain JSON values, the same for the same bytes and day (no file name: a renamed file keeps its reference),
# so the validation cache keeps them too; a cached one comes back with lists for tuples.
DesiredRef = tuple[str, str, Sequence[dict[str, Any]]]
DESIRED_REF_ID = "desired-ref/1"  # change it with DesiredRef's shape: cached references of the old shape are ignored


def is_desired_ref(value: Any) -> bool:
    """Whether a reference read back from the cache has DesiredRef's shape (else the file is checked again)."""
    return (
        isinstance(value, list | tuple)
        and len(value) == 3
        and isinstance(value[0], str)
        and isinstance(value[1], str)
        and isinstance(value[2], list | tuple)
        and all(isinstance(item, dict) for item in value[2])
    )


class ChangedWhilePlanning(BalprovError):
    """A definition file changed between its validation and its use: the plan would not be what was checked."""


def desired_item(document: dict[str, Any], file: str, today: str) -> Desired:
    """A valid document as the plan wants it."""
    definition = normalize(document, today)
    return Desired(definition, digest(definition), file, tuple(scheduled(document, today)))


def desired_ref(document: dict[str, Any], file: str, today: str) -> DesiredRef:
    """Run in the validation workers, next to the parsing."""
    item = desired_item(document, file, today)
    return item.definition["name"], item.digest, item.scheduled


def desired_from(
    refs: Iterable[tuple[str, DesiredRef]], snapshot: StateSnapshot, root: Path, today: str
) -> dict[str, Desired]:
    """Full desired definitions from (file, reference) pairs: the recorded one where the digests match (it
    is the same definition), else the file read again in this process, checked against the digest its
    validation produced."""
    desired: dict[str, Desired] = {}
    for file, (name, wanted, scheduled_later) in refs:
        later = tuple(scheduled_later)
        record = snapshot.mailboxes.get(name)
        if record is not None and record.digest == wanted:  # the same definition: the state's, decoded if read
            lazy = functools.partial(getattr, record, "definition")
            desired[name] = Desired(lazy, wanted, file, later, record.address)
            continue
        definition = _reload(root / file, file, today)
        if digest(definition) != wanted:
            raise ChangedWhilePlanning(
                _("{file} changed while balprov was planning; run the command again").format(file=file)
            )
        desired[name] = Desired(definition, wanted, file, later)
    return desired


def _reload(path: Path, file: str, today: str) -> Definition:
    try:
        loaded = load_yaml(path.read_bytes())
    except OSError as error:
        raise ChangedWhilePlanning(
            _("{file} cannot be read again ({reason}); run the command again").format(file=file, reason=error.strerror)
        ) from None
    if not isinstance(loaded.data, dict) or loaded.problems:
        raise ChangedWhilePlanning(
            _("{file} changed while balprov was planning; run the command again").format(file=file)
        )
    try:
        return normalize(loaded.data, today)
    except (KeyError, TypeError, AttributeError):  # now invalid: it changed after validation
        raise ChangedWhilePlanning(
            _("{file} changed while balprov was planning; run the command again").format(file=file)
        ) from None


class RecordedDefinitions(MutableMapping[str, Definition]):
    """The state's definitions by name, each decoded only when read; a refresh replaces or removes some."""

    def __init__(self, snapshot: StateSnapshot) -> None:
        self._records = snapshot.mailboxes
        self._replaced: dict[str, Definition] = {}
        self._removed: set[str] = set()

    def __getitem__(self, name: str) -> Definition:
        if name in self._replaced:
            return self._replaced[name]
        if name in self._removed:
            raise KeyError(name)
        return self._records[name].definition

    def __contains__(self, name: object) -> bool:
        return name in self._replaced or (name in self._records and name not in self._removed)

    def __setitem__(self, name: str, definition: Definition) -> None:
        self._replaced[name] = definition
        self._removed.discard(name)

    def __delitem__(self, name: str) -> None:
        if name not in self:
            raise KeyError(name)
        self._replaced.pop(name, None)
        self._removed.add(name)

    def __iter__(self) -> Iterator[str]:
        yield from (name for name in self._records if name not in self._removed)
        yield from (name for name in self._replaced if name not in self._records)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def make_plan(
    desired: dict[str, Desired],
    snapshot: StateSnapshot,
    today: str,
    provider_for: ProviderFor | None = None,
) -> Plan:
    """With `provider_for`, the operator's side is read back first (refresh): a mailbox changed
    outside balprov is reported as drift, and the plan starts from what the operator really holds."""
    recorded = RecordedDefinitions(snapshot)
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
