"""A plan as text (terminal), markdown (pull-request comment) or json (the contract's shape)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from balprov.formats import PLAN_FORMATS as PLAN_FORMATS
from balprov.i18n import N_, _
from balprov.planning.model import AttributeChange, Change, Plan
from balprov.planning.planfile import plan_to_dict
from balprov.rendering.environment import environment

COMMENT_LIMIT = 65_536  # GitHub's limit on a comment body
_DETAIL_STEPS = (None, 200, 100, 50, 20, 10, 5, 0)  # how many mailboxes get details, until it fits

_MARKERS = {"create": "+", "update": "~", "delete": "-", "noop": " "}
# what a reader sees of a plan action (the action itself, as in the plan's JSON, never changes)
_ACTION_LABELS = {"create": N_("create"), "update": N_("update"), "delete": N_("delete"), "noop": N_("no change")}
_COLOURS = {"create": "green", "update": "yellow", "delete": "red"}


@dataclass(frozen=True)
class Counts:
    """Counts by action; an object, not a dict, so `summary.update` is a number and not dict.update."""

    create: int
    update: int
    delete: int
    noop: int


@dataclass(frozen=True)
class AttributeView:
    marker: str
    path: str
    before: str
    after: str


def value_text(value: Any) -> str:
    """A value as a reviewer reads it: people by name and role, other values as compact JSON."""
    if value is None:
        return _("(none)")
    if isinstance(value, dict) and "lastName" in value:
        parts = [f"{value.get('firstName', '')} {value['lastName']}".strip()]
        if value.get("rpps"):
            parts.append(f"RPPS {value['rpps']}")
        if value.get("principal"):
            parts.append(_("principal"))
        if value.get("rights"):
            parts.append(_("rights {rights}").format(rights="+".join(value["rights"])))
        if value.get("validFrom") or value.get("validUntil"):
            window = _("{start} to {end}").format(
                start=value.get("validFrom") or "…", end=value.get("validUntil") or "…"
            )
            parts.append(window)
        return ", ".join(parts)
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _attribute_view(attribute: AttributeChange) -> AttributeView:
    marker = "+" if attribute.before is None else "-" if attribute.after is None else "~"
    return AttributeView(marker, attribute.path, value_text(attribute.before), value_text(attribute.after))


@dataclass(frozen=True)
class DiagramNode:
    id: str
    label: str
    kind: str  # principal | cotitulaire | delegataire
    state: str  # added | removed | changed | same


def _mermaid_label(text: str) -> str:
    # Mermaid labels sit inside "…": entity codes keep quotes and brackets from breaking the syntax.
    return text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def _people(change: Change) -> list[DiagramNode]:
    """Holders and delegates of the mailbox, before and after, each with what happens to it."""
    before, after = change.before or {}, change.after or {}
    touched = {a.path.split("]", 1)[0] + "]" for a in change.attributes if "[" in a.path}
    nodes: list[DiagramNode] = []
    for key, identity, prefix in (("cotitulaires", "rpps", "c"), ("delegataires", "id", "d")):
        old = {item[identity]: item for item in before.get(key, [])}
        new = {item[identity]: item for item in after.get(key, [])}
        for index, ident in enumerate(list(new) + [i for i in old if i not in new]):
            item = new.get(ident) or old[ident]
            state = (
                "added"
                if ident not in old
                else "removed"
                if ident not in new
                else "changed"
                if f"{key}[{ident}]" in touched
                else "same"
            )
            detail = "principal" if item.get("principal") else "+".join(item.get("rights", [])) or "cotitulaire"
            label = _mermaid_label(f"{item['firstName']} {item['lastName']}") + "<br/>" + _mermaid_label(detail)
            kind = "principal" if item.get("principal") else key[:-1]
            nodes.append(DiagramNode(f"{prefix}{index}", label, kind, state))
    return nodes


def _change_view(change: Change) -> dict[str, Any]:
    return {
        "people": _people(change),
        "mailbox_label": _mermaid_label(change.address),
        "name": change.name,
        "address": change.address,
        "action": change.action,
        "action_label": _(_ACTION_LABELS[change.action]),
        "marker": _MARKERS[change.action],
        "attributes": [_attribute_view(a) for a in change.attributes],
        "warnings": list(change.warnings),
        "notes": list(change.notes),
        "file": change.file,
    }


def _context(plan: Plan, detail_limit: int | None) -> dict[str, Any]:
    pending = [_change_view(c) for c in plan.pending]
    shown = pending if detail_limit is None else pending[:detail_limit]
    return {
        "plan": plan,
        "summary": Counts(**plan.summary),
        "changes": pending,
        "detailed": shown,
        "hidden": len(pending) - len(shown),
        "notes": [(c.name, note) for c in plan.changes if c.action == "noop" for note in c.notes],
        "warnings": [(c.name, w) for c in plan.pending for w in c.warnings],
        "drift": [
            {
                "name": d.name,
                "address": d.address,
                "missing": d.missing,
                "attributes": [_attribute_view(a) for a in d.attributes],
            }
            for d in plan.drift
        ],
    }


def render_plan(plan: Plan, output_format: str, project_templates: Path | None, *, color: bool = False) -> str:
    if output_format == "json":
        return json.dumps(plan_to_dict(plan), ensure_ascii=False, indent=2) + "\n"
    env = environment(project_templates)
    env.filters["paint"] = (
        (lambda text, action: click.style(text, fg=_COLOURS.get(action))) if color else (lambda text, action: text)
    )
    env.filters["bold"] = (lambda text: click.style(text, bold=True)) if color else (lambda text: text)
    env.filters["cell"] = _markdown_cell
    if output_format == "text":
        return env.get_template("plan/text.j2").render(_context(plan, None))
    template = env.get_template("plan/markdown.j2")
    for limit in _DETAIL_STEPS:
        body = template.render(_context(plan, limit), limit=COMMENT_LIMIT)
        if len(body) <= COMMENT_LIMIT:
            return body
    return body[: COMMENT_LIMIT - 200] + "\n\n_(plan comment cut at GitHub's size limit; see the saved plan)_\n"


def _markdown_cell(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|").replace("\n", "<br>")
    )
