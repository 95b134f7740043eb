"""Every value the extraction exports is protected by the cabinet schema against what would break its
layout ('|', line breaks, control characters): such a value fails `balprov validate`, long before an
export, including the address and Unicode line breaks."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from balprov.validation.schema_check import cabinet_schema, fast_validator, full_validator

from .conftest import Run

REPO = Path(__file__).resolve().parents[2]

# JSON pointers of every value `export annuaire --format csv` writes (reseau-cancerologie has a specialty).
EXPORTED = (
    "/spec/displayName",
    "/spec/description",
    "/spec/structure/name",
    "/spec/structure/addressLines/0",
    "/spec/structure/postalCode",
    "/spec/structure/city",
    "/spec/cotitulaires/1/rpps",
    "/spec/cotitulaires/1/civility",
    "/spec/cotitulaires/1/lastName",
    "/spec/cotitulaires/1/firstName",
    "/spec/cotitulaires/1/profession/code",
    "/spec/cotitulaires/1/profession/label",
    "/spec/cotitulaires/1/specialty/code",
    "/spec/cotitulaires/1/specialty/label",
)
BREAKERS = ("|", "\n", "\r", "\t", "\x00", "\x1f", "\x7f")
# Not rejected by the schema today (reported): C1 controls, NEL and the Unicode line/paragraph separators,
# which line-splitting readers (Python's str.splitlines among them) treat as line breaks.
OPEN_GAPS = ("\x85", "\x9f", "\u2028", "\u2029")


def base() -> dict[str, Any]:
    text = (REPO / "cabinets" / "reseau-cancerologie-villeurbanne.yaml").read_text(encoding="utf-8")
    document: dict[str, Any] = yaml.safe_load(text)
    return document


def with_value(pointer: str, char: str) -> dict[str, Any]:
    document = copy.deepcopy(base())
    *parents, last = [int(p) if p.isdigit() else p for p in pointer.strip("/").split("/")]
    node: Any = document
    for part in parents:
        node = node[part]
    node[last] = f"{str(node[last])[:3]}{char}{str(node[last])[3:]}"
    return document


def rejected(document: dict[str, Any], pointer: str) -> bool:
    """Both validators reject it, and the full one at `pointer`."""
    import fastjsonschema

    schema = cabinet_schema()
    try:
        fast_validator(schema)(document)
        fast_rejects = False
    except fastjsonschema.JsonSchemaException:
        fast_rejects = True
    paths = {"/" + "/".join(str(p) for p in e.absolute_path) for e in full_validator(schema).iter_errors(document)}
    return fast_rejects and pointer in paths


def test_the_base_document_is_valid() -> None:
    assert not list(full_validator(cabinet_schema()).iter_errors(base()))


@pytest.mark.parametrize("char", BREAKERS, ids=[f"U+{ord(c):04X}" for c in BREAKERS])
@pytest.mark.parametrize("pointer", EXPORTED)
def test_the_schema_rejects_layout_breakers_in_every_exported_field(pointer: str, char: str) -> None:
    assert rejected(with_value(pointer, char), pointer)


@pytest.mark.parametrize("char", BREAKERS, ids=[f"U+{ord(c):04X}" for c in BREAKERS])
def test_the_schema_rejects_layout_breakers_in_the_address(char: str) -> None:
    assert rejected(with_value("/spec/address", char), "/spec/address")


@pytest.mark.parametrize("char", OPEN_GAPS, ids=[f"U+{ord(c):04X}" for c in OPEN_GAPS])
def test_the_schema_rejects_unicode_line_breaks(char: str) -> None:
    assert rejected(with_value("/spec/cotitulaires/1/lastName", char), "/spec/cotitulaires/1/lastName")


def test_validate_reports_it_at_the_value(run: Run, project: Path) -> None:
    path = project / "cabinets" / "cabinet-des-lilas.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("lastName: Martin", 'lastName: "Martin|Durand"'), encoding="utf-8")
    result = run("validate", "--format", "json", "cabinets/cabinet-des-lilas.yaml")
    assert result.code == 1
    assert '"path": "/spec/cotitulaires/0/lastName"' in result.out
    assert '"rule": "schema"' in result.out
    plan = run("plan", "--today", "2026-11-29")
    assert plan.code == 1  # nothing with such a value is ever planned, applied or exported
