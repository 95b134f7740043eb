"""Checks made before anything changes: is this plan for this state, now, and is it allowed?"""

from __future__ import annotations

from balprov.errors import BalprovError
from balprov.planning.model import Plan
from balprov.state import StateBackend, StateSnapshot


class PlanRefused(BalprovError):
    """The plan cannot be applied; nothing was changed."""


def check_applicable(plan: Plan, snapshot: StateSnapshot, state: StateBackend) -> None:
    if plan.lineage != snapshot.lineage:
        raise PlanRefused(
            f"the plan was made for another state (lineage {plan.lineage}); this state's lineage is "
            f"{snapshot.lineage}. Make a new plan against this state."
        )
    done = state.entries_for_plan(plan.plan_id)
    if done:
        first = done[0]
        raise PlanRefused(
            f"this plan was already applied ({len(done)} change(s), first on {first.at} by "
            f"{first.actor}@{first.host}); a plan applies once. Make a new plan."
        )
    if plan.serial != snapshot.serial:
        moved = [entry for entry in state.history() if entry.serial > plan.serial]
        since = "; ".join(f"{e.action} {e.name} by {e.actor} at {e.at}" for e in moved[:5])
        more = f" and {len(moved) - 5} more" if len(moved) > 5 else ""
        raise PlanRefused(
            f"stale plan: it was made at state serial {plan.serial}, the state is now at serial {snapshot.serial}"
            + (f" (since then: {since}{more})" if moved else "")
            + ". Make a new plan."
        )


def check_deletions(plan: Plan, allow_delete: bool) -> None:
    deletions = [change.name for change in plan.pending if change.action == "delete"]
    if deletions and not allow_delete:
        raise PlanRefused(
            f"the plan deletes {len(deletions)} mailbox(es) ({', '.join(deletions[:10])}); nothing was changed. "
            "Deleting a BAL is the principal's decision: rerun with --allow-delete once it is confirmed."
        )
