"""Checks made before anything changes: is this plan for this state, now, and is it allowed?"""

from __future__ import annotations

from balprov.errors import BalprovError
from balprov.i18n import _, ngettext
from balprov.planning.model import Plan
from balprov.state import StateBackend, StateSnapshot


class PlanRefused(BalprovError):
    """The plan cannot be applied; nothing was changed."""


def check_applicable(plan: Plan, snapshot: StateSnapshot, state: StateBackend) -> None:
    if plan.lineage != snapshot.lineage:
        raise PlanRefused(
            _(
                "the plan was made for another state (lineage {plan}); this state's lineage is {state}. "
                "Make a new plan against this state."
            ).format(plan=plan.lineage, state=snapshot.lineage)
        )
    done = state.entries_for_plan(plan.plan_id)
    if done:
        first = done[0]
        # the same English either way (unchanged output); a translation uses the plural its language needs
        raise PlanRefused(
            ngettext(
                "this plan was already applied ({count} change(s), first on {at} by {actor}@{host}); "
                "a plan applies once. Make a new plan.",
                "this plan was already applied ({count} change(s), first on {at} by {actor}@{host}); "
                "a plan applies once. Make a new plan.",
                len(done),
            ).format(count=len(done), at=first.at, actor=first.actor, host=first.host)
        )
    if plan.serial != snapshot.serial:
        moved = [entry for entry in state.history() if entry.serial > plan.serial]
        if not moved:
            raise PlanRefused(
                _(
                    "stale plan: it was made at state serial {plan}, the state is now at serial {state}. "
                    "Make a new plan."
                ).format(plan=plan.serial, state=snapshot.serial)
            )
        since = "; ".join(
            _("{action} {name} by {actor} at {at}").format(action=e.action, name=e.name, actor=e.actor, at=e.at)
            for e in moved[:5]
        )
        others = len(moved) - 5
        more = ngettext(" and {count} more", " and {count} more", others).format(count=others) if others > 0 else ""
        raise PlanRefused(
            _(
                "stale plan: it was made at state serial {plan}, the state is now at serial {state} "
                "(since then: {since}{more}). Make a new plan."
            ).format(plan=plan.serial, state=snapshot.serial, since=since, more=more)
        )


def check_deletions(plan: Plan, allow_delete: bool) -> None:
    deletions = [change.name for change in plan.pending if change.action == "delete"]
    if deletions and not allow_delete:
        raise PlanRefused(
            ngettext(
                "the plan deletes {count} mailbox(es) ({names}); nothing was changed. "
                "Deleting a BAL is the principal's decision: rerun with --allow-delete once it is confirmed.",
                "the plan deletes {count} mailbox(es) ({names}); nothing was changed. "
                "Deleting a BAL is the principal's decision: rerun with --allow-delete once it is confirmed.",
                len(deletions),
            ).format(count=len(deletions), names=", ".join(deletions[:10]))
        )
