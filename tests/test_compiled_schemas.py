"""The ahead-of-time schema validators are what compiling the shipped schemas gives today, and they are
only used for the schema they were made from."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

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
