"""The cabinet schema, checked twice as fast as it can be.

A compiled validator (fastjsonschema) decides first: documents that pass, nearly all of them, are
done in ~25 µs. Only a failing document goes through jsonschema, which reports every error with its
path; its verdict is the one reported. The schema uses only keywords both read the same way (see
tests/test_schema.py), so the compiled validator never accepts what jsonschema rejects.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import fastjsonschema

from balprov.resources import schema_path
from balprov.rules import Finding

CABINET_SCHEMA = "cabinet.schema.json"


@cache
def cabinet_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(schema_path(CABINET_SCHEMA).read_text(encoding="utf-8"))
    return schema


class SchemaCheck:
    def __init__(self, overlap: tuple[re.Pattern[str], ...]) -> None:
        self._fast: Callable[[Any], Any] = fastjsonschema.compile(cabinet_schema(), use_default=False)
        self._full: Any = None
        self._overlap = overlap

    def findings(self, document: Any) -> list[Finding]:
        try:
            self._fast(document)
            return []
        except fastjsonschema.JsonSchemaException:
            pass
        if self._full is None:
            import jsonschema  # 70 ms to import: paid only when some document fails

            self._full = jsonschema.Draft202012Validator(cabinet_schema())
        found = [f for error in self._full.iter_errors(document) for f in _findings(error)]
        return [f for f in found if not any(p.match(f.path) for p in self._overlap)]


def _pointer(parts: Any) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _findings(error: Any) -> Iterator[Finding]:
    if error.validator in ("anyOf", "oneOf") and error.context:
        # The most telling branch: the deepest error that is not a mere type mismatch.
        best = min(error.context, key=lambda e: (e.validator == "type", -len(e.absolute_path)))
        yield from _findings(best)
        return
    path = _pointer(error.absolute_path)
    description = error.schema.get("description") if isinstance(error.schema, dict) else None
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = error.schema.get("properties", {})
        for key in error.instance:
            if key not in allowed:
                hint = ", ".join(sorted(allowed))
                yield Finding(f"{path}/{key}", f"unknown property {key!r} (allowed here: {hint})", at_key=True)
        return
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        yield Finding(path, f"missing required property {missing!r}", at_key=True)
        return
    if error.validator == "type" and isinstance(error.instance, int) and error.validator_value == "string":
        yield Finding(path, f'{error.instance} is a number; quote it so it stays text: "{error.instance}"')
        return
    if error.validator in ("pattern", "const", "enum") and description:
        yield Finding(path, f"{_short(error.instance)} is not valid here: {description}")
        return
    yield Finding(path, error.message if len(error.message) < 200 else error.message[:197] + "...")
