"""A plan: the changes that would bring the operator from the recorded state to the definitions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from balprov.planning.normalize import Definition

ACTIONS = ("create", "update", "delete", "noop")


@dataclass(frozen=True, slots=True)
class AttributeChange:
    """One field that changes; `path` names list items by identity: `delegataires[claire.dupont].rights`."""

    path: str
    before: Any
    after: Any

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "before": self.before, "after": self.after}


@dataclass(frozen=True, slots=True)
class Change:
    name: str
    address: str
    action: str
    attributes: tuple[AttributeChange, ...] = ()
    warnings: tuple[str, ...] = ()  # what a reviewer must not miss: deletion, principal change, …
    notes: tuple[str, ...] = ()  # what helps a reviewer: scheduled delegations, windows opening, …
    before: Definition | None = None
    after: Definition | None = None
    file: str | None = None


@dataclass(frozen=True, slots=True)
class Drift:
    """A mailbox changed at the operator outside balprov (found by `plan --refresh`)."""

    name: str
    address: str
    attributes: tuple[AttributeChange, ...]
    missing: bool = False


@dataclass(frozen=True)
class Plan:
    lineage: str
    serial: int
    today: str
    inputs_digest: str
    changes: tuple[Change, ...]
    drift: tuple[Drift, ...] = ()
    plan_id: str = ""
    created_at: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def summary(self) -> dict[str, int]:
        counts = dict.fromkeys(ACTIONS, 0)
        for change in self.changes:
            counts[change.action] += 1
        return counts

    @property
    def pending(self) -> list[Change]:
        return [change for change in self.changes if change.action != "noop"]

    @property
    def has_changes(self) -> bool:
        return bool(self.pending)
