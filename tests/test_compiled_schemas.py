"""The ahead-of-time schema validators are what compiling the shipped schemas gives today, and they are
only used for the schema they were made from."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from balprov import compiled_schemas
from balprov.compiled_schemas import MODULES, validator_for

REPO = Path(__file__).resolve().parent.parent


def _generator() -> object:
    spec = importlib.util.spec_from_file_location("compile_schemas", REPO / "scripts" / "compile_schemas.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["compile_schemas"] = module
    spec.loader.exec_module(module)
    return module


def _without_version(text: str) -> str:
    # fastjsonschema writes its own version on top; a patch release of it does not make the code stale
    return "\n".join(line for line in text.splitlines() if not line.startswith("VERSION = "))


def test_every_generated_validator_is_up_to_date() -> None:
    generator = _generator()
    for path, text in generator.sources().items():  # type: ignore[attr-defined]
        assert _without_version(path.read_text(encoding="utf-8")) == _without_version(text), (
            f"{path.name} is stale: run `make schemas`"
        )


@pytest.mark.parametrize("name", sorted(MODULES))
def test_the_generated_validator_is_used_for_its_own_schema(name: str) -> None:
    module = importlib.import_module(f"balprov.compiled_schemas.{MODULES[name]}")
    assert validator_for(name) is module.validate


def test_an_edited_schema_is_compiled_afresh_not_checked_by_a_stale_validator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edited = tmp_path / "balprov.schema.json"
    edited.write_text(
        (REPO / "schemas" / "balprov.schema.json").read_text(encoding="utf-8").replace('"version"', '"version"', 1)
        + "\n"
    )
    monkeypatch.setattr(compiled_schemas, "schema_path", lambda name: tmp_path / name)
    validate = validator_for("balprov.schema.json")
    assert validate is not importlib.import_module("balprov.compiled_schemas.config").validate
    validate({"version": 1, "operators": [{"id": "demo", "domain": "demo.mssante.fr"}]})


# --- the generated plan validator and jsonschema agree on damaged plans ---------------------------------

PLAN = {
    "format_version": "1",
    "balprov_version": "0.1.0",
    "plan_id": "5f0e",
    "created_at": "2026-11-29T00:00:00+00:00",
    "today": "2026-11-29",
    "state": {"lineage": "l", "serial": 3},
    "inputs_digest": "sha256:" + "0" * 64,
    "summary": {"create": 1, "update": 1, "delete": 1, "noop": 1},
    "changes": [
        {"name": "a", "address": "a@x", "action": "create", "attributes": [], "warnings": [], "notes": [],
         "file": "cabinets/a.yaml", "before": None, "after": {"name": "a"}},
        {"name": "b", "address": "b@x", "action": "update", "attributes": [], "warnings": ["w"], "notes": [],
         "file": "cabinets/b.yaml", "before": {"name": "b"}, "after": {"name": "b"}},
        {"name": "c", "address": "c@x", "action": "delete", "attributes": [], "warnings": [], "notes": [],
         "file": None, "before": {"name": "c"}, "after": None},
        {"name": "d", "address": "d@x", "action": "noop", "attributes": [], "warnings": [], "notes": ["n"],
         "file": "cabinets/d.yaml"},
    ],
    "drift": [],
    "digest": "sha256:" + "1" * 64,
}  # fmt: skip
json_value = st.recursive(
    st.none() | st.booleans() | st.integers(-2, 2) | st.sampled_from(["", "1", "create", "noop", "2026-11-29"]),
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.sampled_from(["name", "x"]), inner, max_size=2),
    max_leaves=4,
)


def _paths(value: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_the_generated_plan_validator_agrees_with_jsonschema(data: st.DataObject) -> None:
    import copy

    import fastjsonschema
    import jsonschema

    plan = copy.deepcopy(PLAN)
    for _ in range(data.draw(st.integers(0, 3))):
        path = data.draw(st.sampled_from(_paths(plan)[1:]))
        parent: Any = plan
        for part in path[:-1]:
            parent = parent[part]
        if data.draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(json_value)
    schema = json.loads((REPO / "schemas" / "plan.schema.json").read_text(encoding="utf-8"))
    expected = not any(jsonschema.Draft202012Validator(schema).iter_errors(plan))
    try:
        validator_for("plan.schema.json")(plan)
        fast = True
    except fastjsonschema.JsonSchemaValueException:
        fast = False
    assert fast == expected, plan
