"""Execute a plan: provider first, then the state, one mailbox at a time.

The provider is called before the state is written, and providers are idempotent, so a process killed
between the two leaves the state one change behind the operator, never ahead: the rerun plans that
change again and converges.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from balprov.applying.actor import Actor
from balprov.planning.model import Change, Plan
from balprov.planning.normalize import digest, principal_of
from balprov.providers import Provider
from balprov.state import AppliedChange, StateBackend

EXIT_APPLIED, EXIT_NOTHING_CHANGED, EXIT_PARTIAL = 0, 1, 3


@dataclass
class ApplyOutcome:
    applied: list[Change] = field(default_factory=list)
    failed: list[tuple[Change, str]] = field(default_factory=list)
    not_attempted: list[Change] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if not self.failed and not self.not_attempted:
            return EXIT_APPLIED
        return EXIT_PARTIAL if self.applied else EXIT_NOTHING_CHANGED


_ORDER = {"delete": 0, "update": 1, "create": 2}

Progress = Callable[[Change, str | None], None]  # (change, error or None) after each attempt


def execute(
    plan: Plan,
    state: StateBackend,
    provider_for: Callable[[str], Provider],
    actor: Actor,
    *,
    continue_on_error: bool,
    progress: Progress,
) -> ApplyOutcome:
    outcome = ApplyOutcome()
    # Deletions, then updates, then creates: an address given up by one mailbox is free before another takes it.
    pending = sorted(plan.pending, key=lambda change: _ORDER[change.action])
    for index, change in enumerate(pending):
        try:
            provider_ids = _at_provider(change, provider_for)
            state.record(_applied(change, provider_ids, actor, plan.plan_id))
        except Exception as error:  # a per-mailbox failure: reported, never a traceback
            message = str(error) or type(error).__name__
            outcome.failed.append((change, message))
            progress(change, message)
            if not continue_on_error:
                outcome.not_attempted.extend(pending[index + 1 :])
                break
            continue
        outcome.applied.append(change)
        progress(change, None)
    return outcome


def _at_provider(change: Change, provider_for: Callable[[str], Provider]) -> dict[str, str]:
    before, after = change.before, change.after
    if change.action == "create":
        assert after is not None
        return provider_for(after["operator"]).create(after)
    if change.action == "delete":
        assert before is not None
        provider_for(before["operator"]).delete(before)
        return {}
    assert before is not None and after is not None
    if before["operator"] != after["operator"]:  # moving between operators: create at the new one first
        ids = provider_for(after["operator"]).create(after)
        provider_for(before["operator"]).delete(before)
        return ids
    return provider_for(after["operator"]).update(before, after)


def _applied(change: Change, provider_ids: dict[str, str], actor: Actor, plan_id: str) -> AppliedChange:
    definition = change.after
    accountable_from = change.before if change.action == "delete" else change.after
    return AppliedChange(
        name=change.name,
        address=change.address,
        action=change.action,
        definition=definition,
        digest=digest(definition) if definition is not None else None,
        provider_ids=provider_ids,
        accountable=principal_of(accountable_from) if accountable_from else None,
        actor=actor.user,
        host=actor.host,
        git_commit=actor.git_commit,
        plan_id=plan_id,
        attributes=[a.as_dict() for a in change.attributes],
    )
