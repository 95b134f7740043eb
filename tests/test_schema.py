"""The shipped JSON Schemas: well-formed, documented, closed, and read alike by both validators.

The engine decides with fastjsonschema (draft-07 semantics, compiled) and explains with jsonschema
(2020-12): a document fastjsonschema accepts is never checked again, so the two must agree. They do
as long as the schema keeps to keywords both read the same way; the last tests generate documents to
check it.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fastjsonschema
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from balprov.loading import load_yaml
from balprov.validation.schema_check import (
    SchemaCheck,
    cabinet_schema,
    ecma_anchors,
    fast_validator,
    full_validator,
    inline_refs,
)

REPO = Path(__file__).resolve().parent.parent
SCHEMAS = REPO / "schemas"
SCHEMA_FILES = ("cabinet.schema.json", "balprov.schema.json")

# Objects that stay open, and why.
OPEN_OBJECTS = {
    ("balprov.schema.json", "/properties/operators/items/properties/provider"): "each provider type has its settings",
    ("balprov.schema.json", "/properties/rules"): "any rule slug; additionalProperties holds the severity schema",
}

# Keywords that fastjsonschema (draft-07) and jsonschema (2020-12) read the same way. Anything else
# must be checked against both drafts before it goes into the list.
ANNOTATIONS = {"$schema", "$id", "$defs", "$comment", "title", "description", "examples"}
SAME_IN_BOTH = {
    "$ref",
    "type",
    "enum",
    "const",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minLength",
    "maxLength",
    "pattern",
    "anyOf",
    "allOf",
    "oneOf",
    "not",
    "minimum",
    "maximum",
    "minProperties",
    "maxProperties",
}
# Read differently (or not at all) by one of the two: never in the schema.
FORBIDDEN = {
    "unevaluatedProperties",
    "unevaluatedItems",
    "prefixItems",
    "additionalItems",
    "dependentRequired",
    "dependentSchemas",
    "dependencies",
    "maxContains",
    "minContains",
    "$dynamicRef",
    "$dynamicAnchor",
    "$recursiveRef",
    "$anchor",
    "format",
    "definitions",
}


def load(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return schema


def subschemas(schema: Any, pointer: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every (JSON pointer, schema object) in a schema, the root included."""
    if not isinstance(schema, dict):
        return
    yield pointer, schema
    for keyword in ("properties", "$defs", "patternProperties"):
        for name, child in schema.get(keyword, {}).items():
            yield from subschemas(child, f"{pointer}/{keyword}/{name}")
    for keyword in ("items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else"):
        if isinstance(schema.get(keyword), dict):
            yield from subschemas(schema[keyword], f"{pointer}/{keyword}")
    for keyword in ("anyOf", "allOf", "oneOf"):
        for index, child in enumerate(schema.get(keyword, [])):
            yield from subschemas(child, f"{pointer}/{keyword}/{index}")


def all_subschemas() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for name in SCHEMA_FILES:
        for pointer, node in subschemas(load(name)):
            yield name, pointer, node


# --- the schemas themselves ------------------------------------------------------------------------


@pytest.mark.parametrize("name", SCHEMA_FILES)
def test_schema_is_a_valid_2020_12_schema_with_an_id(name: str) -> None:
    schema = load(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema.get("$id", "").startswith("urn:balprov:schema:")


def test_every_property_and_definition_has_a_description() -> None:
    named = [
        (name, pointer, node)
        for name, pointer, node in all_subschemas()
        if pointer.rsplit("/", 2)[-2:][0] in ("properties", "$defs")
    ]
    assert len(named) > 60  # the walk does reach them
    assert [f"{name}#{pointer}" for name, pointer, node in named if not node.get("description")] == []


def test_every_object_is_closed_unless_documented() -> None:
    open_objects = []
    for name, pointer, node in all_subschemas():
        is_object = node.get("type") == "object" or "properties" in node
        if is_object and node.get("additionalProperties") is not False and (name, pointer) not in OPEN_OBJECTS:
            open_objects.append(f"{name}#{pointer}")
    assert open_objects == []
    for name, pointer in OPEN_OBJECTS:  # the exceptions still exist (else drop them from the list)
        assert pointer in dict(subschemas(load(name))), (name, pointer)


@pytest.mark.parametrize("name", SCHEMA_FILES)
def test_schema_keeps_to_keywords_both_validators_read_alike(name: str) -> None:
    for pointer, node in subschemas(load(name)):
        keywords = set(node)
        assert not keywords & FORBIDDEN, (pointer, keywords & FORBIDDEN)
        assert keywords <= ANNOTATIONS | SAME_IN_BOTH, (pointer, keywords - ANNOTATIONS - SAME_IN_BOTH)
        if "$ref" in node:
            # draft-07 ignores a $ref's siblings, 2020-12 applies them: only annotations may sit beside one
            assert keywords - ANNOTATIONS == {"$ref"}, (pointer, keywords)
            assert node["$ref"].startswith("#/$defs/"), pointer
        if "items" in node:
            assert isinstance(node["items"], dict), pointer  # a list of schemas means two things


def test_every_ref_resolves_and_every_definition_is_used() -> None:
    schema = load("cabinet.schema.json")
    refs = {node["$ref"] for _, node in subschemas(schema) if "$ref" in node}
    assert refs == {f"#/$defs/{name}" for name in schema["$defs"]}


def test_the_cabinet_schema_is_the_one_the_engine_uses() -> None:
    assert cabinet_schema() == load("cabinet.schema.json")


def test_inlining_removes_every_local_ref() -> None:
    inlined = inline_refs(load("cabinet.schema.json"))
    body = {key: value for key, value in inlined.items() if key != "$defs"}
    assert '"$ref"' not in json.dumps(body)
    assert inlined["$defs"] == load("cabinet.schema.json")["$defs"]


def test_inlining_keeps_a_recursive_ref() -> None:
    schema = {
        "$defs": {"node": {"type": "object", "properties": {"child": {"$ref": "#/$defs/node"}}}},
        "type": "object",
        "properties": {"root": {"$ref": "#/$defs/node"}},
    }
    inlined = inline_refs(schema)
    assert inlined["properties"]["root"]["properties"]["child"] == {"$ref": "#/$defs/node"}
    validate = fastjsonschema.compile(inlined)
    validate({"root": {"child": {"child": {}}}})
    with pytest.raises(fastjsonschema.JsonSchemaValueException):
        validate({"root": {"child": {"child": 1}}})


# --- patterns as ECMA-262 reads them ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("^[0-9]{5}$", "^[0-9]{5}\\Z"),
        ("^a$|^b$", "^a\\Z|^b\\Z"),
        ("^[$]x\\$$", "^[$]x\\$\\Z"),
        ("^[^\\]$]*$", "^[^\\]$]*\\Z"),
        ("^a\\\\$", "^a\\\\\\Z"),
        ("abc", "abc"),
    ],
)
def test_ecma_anchors(pattern: str, expected: str) -> None:
    assert ecma_anchors(pattern) == expected


@pytest.mark.parametrize(
    ("pointer", "value"),
    [
        ("/spec/structure/postalCode", "93260\n"),
        ("/spec/displayName", "Cabinet des Lilas\n"),
        ("/spec/cotitulaires/0/rpps", "10107592585\n"),
        ("/metadata/name", "cabinet-des-lilas-93260\n"),
        ("/spec/delegataires/0/validFrom", "2026-12-01\n"),
    ],
)
def test_a_final_newline_does_not_pass_a_pattern(pointer: str, value: str) -> None:
    # e.g. `postalCode: |` then `93260` on the next line; Python's `$` would let it through.
    document = lilas()
    set_pointer(document, pointer, value)
    assert not full_validator(cabinet_schema()).is_valid(document)
    with pytest.raises(fastjsonschema.JsonSchemaValueException):
        fast_validator(cabinet_schema())(document)
    assert [f.path for f in SchemaCheck(()).findings(document)] == [pointer]


def test_when_the_validators_disagree_the_compiled_verdict_is_reported() -> None:
    check = SchemaCheck(())
    check._full = jsonschema.Draft202012Validator({})  # accepts everything: a stand-in for a disagreement
    document = lilas()
    document["spec"]["structure"]["postalCode"] = "9326"
    findings = check.findings(document)
    assert [f.path for f in findings] == ["/spec/structure/postalCode"]
    assert "must match pattern" in findings[0].message


# --- generated documents: both validators give the same verdict -----------------------------------------


def shipped_documents() -> list[Any]:
    documents = [load_yaml(path.read_bytes()).data for path in sorted((REPO / "cabinets").rglob("*.yaml"))]
    assert documents and all(isinstance(d, dict) for d in documents)
    return documents


_SHIPPED = shipped_documents()


def lilas() -> dict[str, Any]:
    document = load_yaml((REPO / "cabinets" / "cabinet-des-lilas.yaml").read_bytes()).data
    document["spec"]["delegataires"][0]["validFrom"] = "2026-12-01"
    return copy.deepcopy(document)  # type: ignore[no-any-return]


def set_pointer(document: Any, pointer: str, value: Any) -> None:
    *parents, last = pointer.strip("/").split("/")
    node = document
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


PROPERTY_NAMES = sorted(
    {name for _, node in subschemas(load("cabinet.schema.json")) for name in node.get("properties", {})}
)
ODD_STRINGS = [
    "",
    " ",
    "|",
    "a|b",
    "x\ny",
    "\n",
    "93260\n",
    "10107592585\n",
    "10107592585",
    "1010759258",
    "101075925850",
    "2026-12-01",
    "2026-13-01",
    "2026-12-01\n",
    "\t",
    "\x00",
    "\x7f",
    "\x1f",
    "\u2028",
    "\x85",
    "é",
    "Ünïcödé ligne",
    "$",
    "^",
    "balprov/v1",
    "BalCabinet",
    "read",
    "send",
    "e-CPS",
    "CPS",
    "reseau",
    "DR",
    "dr",
    "ABCDEF",
    "demo",
    "Demo",
    "-demo",
    "cabinet-",
    "a" * 63,
    "a" * 64,
    "x" * 200,
    "x" * 201,
    "y" * 4001,
]
odd_strings = st.sampled_from(ODD_STRINGS) | st.text(max_size=12)
scalars = st.none() | st.booleans() | st.integers(-3, 10**12) | st.floats(allow_nan=False) | odd_strings
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(PROPERTY_NAMES) | odd_strings, inner),
    max_leaves=8,
)


def slots(document: Any, pointer: str = "") -> Iterator[tuple[str, Any, Any]]:
    """(pointer, container, key) for every value of a document."""
    if isinstance(document, dict):
        for key, value in document.items():
            yield f"{pointer}/{key}", document, key
            yield from slots(value, f"{pointer}/{key}")
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield f"{pointer}/{index}", document, index
            yield from slots(value, f"{pointer}/{index}")


@st.composite
def mutated_documents(draw: st.DrawFn) -> Any:
    document = copy.deepcopy(draw(st.sampled_from(_SHIPPED)))
    for _ in range(draw(st.integers(1, 4))):
        places = list(slots(document))
        _, container, key = draw(st.sampled_from(places))
        operation = draw(st.sampled_from(["drop", "retype", "add", "edit", "duplicate", "grow", "swap"]))
        value = container[key]
        if operation == "drop":
            del container[key]
        elif operation == "retype":
            container[key] = draw(values)
        elif operation == "add":
            target = value if isinstance(value, dict) else container
            if isinstance(target, dict):
                target[draw(st.sampled_from(PROPERTY_NAMES) | odd_strings)] = draw(values)
            else:
                target.append(draw(values))
        elif operation == "edit" and isinstance(value, str):
            extra = draw(st.sampled_from(ODD_STRINGS[:20]))
            where = draw(st.sampled_from(["prefix", "suffix", "middle", "replace"]))
            middle = len(value) // 2
            container[key] = {
                "prefix": extra + value,
                "suffix": value + extra,
                "middle": value[:middle] + extra + value[middle:],
                "replace": extra,
            }[where]
        elif operation == "duplicate" and isinstance(value, list) and value:
            value.append(copy.deepcopy(draw(st.sampled_from(value))))
        elif operation == "grow" and isinstance(value, list) and value:
            value.extend(copy.deepcopy(value[0]) for _ in range(draw(st.integers(1, 25))))
        elif operation == "swap":
            other = draw(st.sampled_from(places))
            other_container, other_key = other[1], other[2]
            if other_container is not container or other_key != key:
                moved = copy.deepcopy(other_container[other_key])
                container[key] = moved
    return document


FAST = fast_validator(cabinet_schema())
FAST_WITH_REFS = fastjsonschema.compile(cabinet_schema(), use_default=False)
FULL = full_validator(cabinet_schema())
EXAMPLES = int(os.environ.get("BALPROV_FUZZ_EXAMPLES", "400"))


def fast_verdict(validate: Any, document: Any) -> bool:
    try:
        validate(document)
    except fastjsonschema.JsonSchemaValueException:
        return False
    return True


def test_the_shipped_cabinets_are_valid_for_both() -> None:
    for document in _SHIPPED:
        assert fast_verdict(FAST, document)
        assert FULL.is_valid(document)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_documents())
def test_fast_valid_implies_full_valid(document: Any) -> None:
    # What the engine relies on: a document the compiled validator accepts is not checked again.
    if fast_verdict(FAST, document):
        assert FULL.is_valid(document), list(FULL.iter_errors(document))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_documents())
def test_both_validators_give_the_same_verdict(document: Any) -> None:
    # The converse too: otherwise a document fastjsonschema rejects would get no explanation (the engine
    # then reports fastjsonschema's own message, but that is a fallback, not the plan).
    fast = fast_verdict(FAST, document)
    assert fast == FULL.is_valid(document), (fast, list(FULL.iter_errors(document))[:3])
    assert fast == fast_verdict(FAST_WITH_REFS, document)  # inlining the $refs changes nothing
