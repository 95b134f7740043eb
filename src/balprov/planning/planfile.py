"""Saved plans: the contract's JSON, with what apply needs to do exactly what was reviewed.

A saved plan carries the state's lineage and serial it was made from, a digest of its inputs, the
full normalized definitions of what changes, and a digest of its own content, so that `apply` can
refuse a plan that is truncated, edited, stale, from another state, or already applied.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from balprov import __version__
from balprov.errors import BalprovError
from balprov.planning.model import AttributeChange, Change, Drift, Plan
from balprov.planning.normalize import canonical_json
from balprov.resources import schema_path

FORMAT_VERSION = "1"


class PlanFileError(BalprovError):
    """A saved plan that cannot be used; nothing was changed."""


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    body: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "balprov_version": __version__,
        "plan_id": plan.plan_id,
        "created_at": plan.created_at,
        "today": plan.today,
        "state": {"lineage": plan.lineage, "serial": plan.serial},
        "inputs_digest": plan.inputs_digest,
        "summary": plan.summary,
        "changes": [_change_to_dict(change) for change in plan.changes],
        "drift": [
            {
                "name": d.name,
                "address": d.address,
                "missing": d.missing,
                "attributes": [a.as_dict() for a in d.attributes],
            }
            for d in plan.drift
        ],
    }
    body["digest"] = _digest(body)
    return body


def _change_to_dict(change: Change) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": change.name,
        "address": change.address,
        "action": change.action,
        "attributes": [a.as_dict() for a in change.attributes],
        "warnings": list(change.warnings),
        "notes": list(change.notes),
        "file": change.file,
    }
    if change.action != "noop":
        entry["before"] = change.before
        entry["after"] = change.after
    return entry


def _digest(body: dict[str, Any]) -> str:
    content = {key: value for key, value in body.items() if key != "digest"}
    return "sha256:" + hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def write_plan(plan: Plan, path: Path) -> None:
    """Atomically (temporary file, then rename) and readable by its owner only: it holds personal data."""
    text = json.dumps(plan_to_dict(plan), ensure_ascii=False, indent=2) + "\n"
    folder = path.resolve().parent
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".balprov-plan-", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:  # mkstemp creates the file 0600
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_plan(path: Path) -> Plan:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise PlanFileError(f"{path}: cannot read the plan file: {error.strerror}") from None
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PlanFileError(f"{path}: not a balprov plan file (truncated or damaged JSON: {error})") from None
    if not isinstance(body, dict) or "format_version" not in body:
        raise PlanFileError(f"{path}: not a balprov plan file (no format_version)")
    if body["format_version"] != FORMAT_VERSION:
        raise PlanFileError(
            f"{path}: plan format version {body['format_version']!r} is not supported; "
            f"this balprov reads version {FORMAT_VERSION!r}"
        )
    _check_shape(body, path)
    if body["digest"] != _digest(body):
        raise PlanFileError(f"{path}: the plan was modified after it was written (digest mismatch); make a new plan")
    return Plan(
        lineage=body["state"]["lineage"],
        serial=body["state"]["serial"],
        today=body["today"],
        inputs_digest=body["inputs_digest"],
        changes=tuple(_change_from_dict(entry) for entry in body["changes"]),
        drift=tuple(
            Drift(d["name"], d["address"], tuple(AttributeChange(**a) for a in d["attributes"]), d["missing"])
            for d in body["drift"]
        ),
        plan_id=body["plan_id"],
        created_at=body["created_at"],
    )


def _check_shape(body: dict[str, Any], path: Path) -> None:
    import jsonschema

    schema = json.loads(schema_path("plan.schema.json").read_text(encoding="utf-8"))
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(body))
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "(top level)"
        raise PlanFileError(f"{path}: not a valid balprov plan file at {where}: {error.message}")


def _change_from_dict(entry: dict[str, Any]) -> Change:
    return Change(
        name=entry["name"],
        address=entry["address"],
        action=entry["action"],
        attributes=tuple(AttributeChange(**a) for a in entry["attributes"]),
        warnings=tuple(entry["warnings"]),
        notes=tuple(entry["notes"]),
        before=entry.get("before"),
        after=entry.get("after"),
        file=entry.get("file"),
    )
