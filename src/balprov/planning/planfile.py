"""Saved plans: the contract's JSON, with what apply needs to do exactly what was reviewed.

A saved plan carries the state's lineage and serial it was made from, a digest of its inputs, the
full normalized definitions of what changes, and a digest of its own content, so that `apply` can
refuse a plan that is truncated, edited, stale, from another state, or already applied.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from balprov import __version__
from balprov.compiled_schemas import failure
from balprov.errors import BalprovError
from balprov.files import write_atomically
from balprov.i18n import _
from balprov.planning.model import AttributeChange, Change, Drift, Plan
from balprov.planning.normalize import canonical_json

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


# A plan of 50,000 creates is ~250 MB of JSON: its text is made and hashed one change at a time, never
# held whole (twice, with its UTF-8 bytes), which took `plan -o` to 2 GB.


def _digest(body: dict[str, Any]) -> str:
    content = {key: value for key, value in body.items() if key != "digest"}
    hasher = hashlib.sha256()
    for chunk in canonical_chunks(content):
        hasher.update(chunk.encode("utf-8"))
    return "sha256:" + hasher.hexdigest()


def canonical_chunks(content: dict[str, Any]) -> Iterator[str]:
    """`canonical_json(content)`, in pieces: a list of changes one change at a time."""
    yield "{"
    for index, key in enumerate(sorted(content)):
        yield ("," if index else "") + canonical_json(key) + ":"
        value = content[key]
        if key == "changes" and isinstance(value, list):
            yield "["
            for position, change in enumerate(value):
                yield ("," if position else "") + canonical_json(change)
            yield "]"
        else:
            yield canonical_json(value)
    yield "}"


def indented_chunks(body: dict[str, Any]) -> Iterator[str]:
    """`json.dumps(body, ensure_ascii=False, indent=2) + "\\n"`, in pieces: the changes one at a time."""
    yield "{"
    for index, (key, value) in enumerate(body.items()):
        yield ("," if index else "") + "\n  " + json.dumps(key, ensure_ascii=False) + ": "
        if key == "changes" and isinstance(value, list) and value:
            yield "["
            for position, change in enumerate(value):
                text = json.dumps(change, ensure_ascii=False, indent=2).replace("\n", "\n    ")
                yield ("," if position else "") + "\n    " + text
            yield "\n  ]"
        else:
            yield json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ")
    yield "\n}\n" if body else "}\n"


def write_plan(plan: Plan, path: Path) -> None:
    """Atomically (temporary file, then rename) and readable by its owner only: it holds personal data."""
    write_atomically(path, indented_chunks(plan_to_dict(plan)), keep_mode=False)


def read_plan(path: Path) -> Plan:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise PlanFileError(
            _("{path}: cannot read the plan file: {reason}").format(path=path, reason=error.strerror)
        ) from None
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PlanFileError(
            _("{path}: not a balprov plan file (truncated or damaged JSON: {error})").format(path=path, error=error)
        ) from None
    if not isinstance(body, dict) or "format_version" not in body:
        raise PlanFileError(_("{path}: not a balprov plan file (no format_version)").format(path=path))
    if body["format_version"] != FORMAT_VERSION:
        raise PlanFileError(
            _(
                "{path}: plan format version {version!r} is not supported; this balprov reads version {supported!r}"
            ).format(path=path, version=body["format_version"], supported=FORMAT_VERSION)
        )
    _check_shape(body, path)
    if body["digest"] != _digest(body):
        raise PlanFileError(
            _("{path}: the plan was modified after it was written (digest mismatch); make a new plan").format(path=path)
        )
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
    # The validator generated ahead of time decides (jsonschema took 2.1 s of a 6.8 s apply of 10,000
    # creates); jsonschema only says where and why a plan that fails is wrong.
    found = failure("plan.schema.json", body)
    if found is None:
        return
    import jsonschema  # loaded by `failure` already

    error = jsonschema.exceptions.best_match(found.errors)
    if error is None:  # the validators disagree: the stricter verdict
        where, message = _("(top level)"), found.message
    else:
        where = "/".join(str(part) for part in error.absolute_path) or _("(top level)")
        message = error.message
    raise PlanFileError(
        _("{path}: not a valid balprov plan file at {where}: {error}").format(path=path, where=where, error=message)
    )


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
