"""The cabinet schema, checked twice as fast as it can be.

A compiled validator (fastjsonschema) decides first: documents that pass, nearly all of them, are
done in ~25 µs. Only a failing document goes through jsonschema, which reports every error with its
path; its verdict is the one reported. The schema uses only keywords both read the same way (see
tests/test_schema.py), so the compiled validator never accepts what jsonschema rejects.

Two details keep the two verdicts equal and fast:
- `pattern` follows ECMA-262, as JSON Schema says: `$` matches only at the very end of the text.
  Python's `re` (which jsonschema uses as is) also lets `$` match before a final newline, so that
  `postalCode: |` followed by `93260` (the text "93260\n") would pass; fastjsonschema already reads
  `$` as `\\Z`, and the full validator here does the same (`ecma_pattern`).
- the compiled validator is built from a copy of the schema with its `$ref`s inlined: fastjsonschema
  compiles each `$ref` into a call that formats an error-path string for every array item, valid or not
  (~25% of its time on a cabinet).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from functools import cache, lru_cache
from typing import Any

import fastjsonschema

from balprov.compiled_schemas import validator_for
from balprov.i18n import N_, _
from balprov.resources import schema_path
from balprov.rules import Finding

CABINET_SCHEMA = "cabinet.schema.json"
_LOCAL_REF = "#/$defs/"


@cache
def cabinet_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(schema_path(CABINET_SCHEMA).read_text(encoding="utf-8"))
    return schema


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy of the schema with every local `$ref` (`#/$defs/NAME`) replaced by its target. A `$ref`'s
    sibling keywords are annotations only (tests/test_schema.py checks it), so nothing is lost; a
    recursive definition keeps its `$ref`."""
    defs: dict[str, Any] = schema.get("$defs", {})

    def walk(node: Any, active: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [walk(item, active) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_LOCAL_REF):
            name = ref[len(_LOCAL_REF) :]
            if name in defs and name not in active:
                return walk(defs[name], (*active, name))
        return {key: walk(value, active) for key, value in node.items()}

    # The root is kept as it is (with its $schema, $id and $defs); what it contains is inlined.
    return {key: copy.deepcopy(value) if key == "$defs" else walk(value, ()) for key, value in schema.items()}


def ecma_anchors(pattern: str) -> str:
    """The pattern for Python's `re` with ECMA-262's `$`: end of text only (`\\Z`), outside classes."""
    out: list[str] = []
    index, in_class = 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            out.append(pattern[index : index + 2])
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "$":
            char = "\\Z"
        out.append(char)
        index += 1
    return "".join(out)


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(ecma_anchors(pattern))


def ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    """jsonschema's `pattern` keyword with ECMA-262 anchors (the message is jsonschema's own)."""
    from jsonschema.exceptions import ValidationError

    if validator.is_type(instance, "string") and not _compiled(pattern).search(instance):
        yield ValidationError(_("{value!r} does not match {pattern!r}").format(value=instance, pattern=pattern))


def full_validator(schema: dict[str, Any]) -> Any:
    """jsonschema's 2020-12 validator for the schema, reading `pattern` as ECMA-262 does."""
    import jsonschema  # 70 ms to import: paid only when some document fails

    extend: Any = jsonschema.validators.extend
    validator_class = extend(jsonschema.Draft202012Validator, {"pattern": ecma_pattern})
    return validator_class(schema)


def fast_validator(schema: dict[str, Any]) -> Callable[[Any], Any]:
    compiled: Callable[[Any], Any] = fastjsonschema.compile(inline_refs(schema), use_default=False)
    return compiled


@cache
def _cabinet_fast() -> Callable[[Any], Any]:
    # generated ahead of time (compiled_schemas/); compiled here, ~20 ms, only if the schema was edited since
    return validator_for(CABINET_SCHEMA, inline_refs)


@cache
def _cabinet_full() -> Any:
    return full_validator(cabinet_schema())


Overlap = tuple[tuple[re.Pattern[str], str | None], ...]  # (pointer, keyword or None for any) a rule reports


class SchemaCheck:
    def __init__(self, overlap: Overlap) -> None:
        self._fast: Callable[[Any], Any] | None = None  # loaded on first use: a warm cached run never needs it
        self._full: Any = None
        self._overlap = overlap

    def load(self) -> None:
        """Load the validator now (before worker processes fork, so that they inherit it)."""
        if self._fast is None:
            self._fast = _cabinet_fast()

    def findings(self, document: Any) -> list[Finding]:
        if self._fast is None:
            self._fast = _cabinet_fast()
        try:
            self._fast(document)
            return []
        except fastjsonschema.JsonSchemaValueException as error:
            fast_error = error
        if self._full is None:
            self._full = _cabinet_full()
        found = [pair for error in self._full.iter_errors(document) for pair in error_findings(error)]
        if not found:  # the validators disagree (a bug): report the compiled one's verdict rather than nothing
            found = [(None, Finding(_pointer(fast_error.path[1:]), str(fast_error.message)))]
        return [
            finding
            for keyword, finding in found
            if not any(p.match(finding.path) and k in (None, keyword) for p, k in self._overlap)
        ]


def _pointer(parts: Any) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def error_findings(error: Any) -> Iterator[tuple[str | None, Finding]]:
    """A jsonschema error in balprov's words, as (schema keyword, finding) pairs: what `validate` reports for
    cabinet files, and `balprov.yaml`'s errors in other languages than English."""
    keyword = error.validator
    if error.validator in ("anyOf", "oneOf") and error.context:
        # The most telling branch: the deepest error that is not a mere type mismatch.
        best = min(error.context, key=lambda e: (e.validator == "type", -len(e.absolute_path)))
        yield from error_findings(best)
        return
    path = _pointer(error.absolute_path)
    description = error.schema.get("description") if isinstance(error.schema, dict) else None
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = error.schema.get("properties", {})
        for key in error.instance:
            if key not in allowed:
                hint = ", ".join(sorted(allowed))
                message = _("unknown property {key!r} (allowed here: {allowed})").format(key=key, allowed=hint)
                yield keyword, Finding(f"{path}/{key}", message, at_key=True)
        return
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        yield keyword, Finding(path, _("missing required property {key!r}").format(key=missing), at_key=True)
        return
    if error.validator == "type" and isinstance(error.instance, int) and error.validator_value == "string":
        message = _('{value} is a number; quote it so it stays text: "{value}"').format(value=error.instance)
        yield keyword, Finding(path, message)
        return
    if error.validator == "enum" and description:
        choices = ", ".join(str(choice) for choice in error.validator_value)
        message = _("{value} is not valid here: {description} (one of: {choices})").format(
            value=_short(error.instance), description=_(description), choices=choices
        )
        yield keyword, Finding(path, message)
        return
    if error.validator in ("pattern", "const") and description:
        message = _("{value} is not valid here: {description}").format(
            value=_short(error.instance), description=_(description)
        )
        yield keyword, Finding(path, message)
        return
    if error.validator == "maxLength" and isinstance(error.instance, str):  # the limit, not the whole text
        message = _("{value} is {length:,} characters long; the limit is {limit:,}").format(
            value=_short(error.instance), length=len(error.instance), limit=error.validator_value
        )
        yield keyword, Finding(path, message)
        return
    if error.validator == "maxItems" and isinstance(error.instance, list):
        message = _("{count:,} entries; the limit is {limit:,}").format(
            count=len(error.instance), limit=error.validator_value
        )
        yield keyword, Finding(path, message)
        return
    yield keyword, Finding(path, _generic(error))


# Our own words for the other keywords the schemas use (jsonschema's messages are English only); the values
# quoted stay as they are. A keyword not listed falls back to jsonschema's message.
_GENERIC = {
    "type": N_("{value} is not of type {expected}"),
    "minItems": N_("{value} has too few entries: at least {expected}"),
    "maxItems": N_("{value} has too many entries: at most {expected}"),
    "minLength": N_("{value} is too short: at least {expected} characters"),
    "maxLength": N_("{value} is too long: at most {expected} characters"),
    "uniqueItems": N_("{value} has the same entry more than once"),
    "enum": N_("{value} is not one of {expected}"),
    "const": N_("{value} should be {expected}"),
    "pattern": N_("{value} does not have the expected form ({expected})"),
    "minimum": N_("{value} is less than the minimum {expected}"),
    "maximum": N_("{value} is more than the maximum {expected}"),
    "format": N_("{value} is not a valid {expected}"),
    "minProperties": N_("{value} should not be empty"),
}


def _generic(error: Any) -> str:
    template = _GENERIC.get(error.validator)
    if template is not None:
        return _(template).format(value=_short(error.instance), expected=_short(error.validator_value))
    message: str = error.message
    return message if len(message) < 200 else message[:197] + "..."
