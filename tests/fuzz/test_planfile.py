"""Fuzzing the saved-plan reader: whatever bytes a plan file holds, `read_plan` returns a Plan or raises
PlanFileError (apply then says why and changes nothing), never another exception.

Inputs: random bytes; a real plan damaged at the byte level; and a real plan whose JSON is edited at a
random place *with its digest recomputed*, as someone who can write the artifact store could do, so the
shape check and the construction of the Plan are reached too.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from balprov.planning.model import Plan
from balprov.planning.planfile import PlanFileError, _digest, read_plan

from .budget import FUZZ

REPO = Path(__file__).resolve().parents[2]
_SCRIPT = Path(sys.executable).parent / "balprov"
COMMAND = [str(_SCRIPT)] if _SCRIPT.is_file() else [sys.executable, "-m", "balprov"]


@cache
def seed_plan() -> bytes:
    """A real saved plan of the shipped examples (7 creations), made once."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "balprov.yaml").write_bytes((REPO / "balprov.yaml").read_bytes())
        subprocess.run(["cp", "-r", str(REPO / "cabinets"), str(root / "cabinets")], check=True)
        subprocess.run([*COMMAND, "plan", "-o", "plan.json"], cwd=root, capture_output=True, timeout=60)
        return (root / "plan.json").read_bytes()


def read(raw: bytes) -> Plan | None:
    with tempfile.NamedTemporaryFile(suffix=".json") as handle:
        handle.write(raw)
        handle.flush()
        try:
            return read_plan(Path(handle.name))
        except PlanFileError:
            return None


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=8,
)


def _places(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_places(item, (*path, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_places(item, (*path, index)))
    return found


@st.composite
def resigned(draw: st.DrawFn) -> bytes:
    """The seed plan edited at 1-3 random places (value replaced, key added or removed), digest recomputed."""
    body = json.loads(seed_plan())
    for _ in range(draw(st.integers(1, 3))):
        places = _places(body)
        place = draw(st.sampled_from(places[1:]))
        parent = body
        for part in place[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[place[-1]] = draw(JSON_VALUES)
        elif action == "delete":
            del parent[place[-1]]
        elif isinstance(parent[place[-1]], dict):
            parent[place[-1]][draw(st.text(max_size=10))] = draw(JSON_VALUES)
        else:
            parent[place[-1]] = copy.deepcopy(parent)  # nest a copy of its own parent
    if isinstance(body, dict):
        body["digest"] = _digest(body)
    return json.dumps(body).encode()


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    raw = bytearray(seed_plan())
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(raw) - 1))
        kind = draw(st.sampled_from(["flip", "cut", "insert"]))
        if kind == "flip":
            raw[at] = draw(st.integers(0, 255))
        elif kind == "cut":
            del raw[at:]
            if not raw:
                break
        else:
            raw[at:at] = draw(st.sampled_from([b"\x00", b"\xff", b"{", b"]", b'"', b"1e999", b"-", b"null"]))
    return bytes(raw)


def test_the_seed_is_a_readable_plan() -> None:
    assert read(seed_plan()) is not None


@FUZZ
@given(st.binary(max_size=2000))
@example(b"")
@example(b"[]")
@example(b'{"format_version": []}')  # an unhashable version in the "not supported" message
@example(b'{"format_version": "1"}')
def test_any_bytes(raw: bytes) -> None:
    read(raw)


@FUZZ
@given(damaged())
def test_a_damaged_real_plan(raw: bytes) -> None:
    read(raw)


@FUZZ
@given(resigned())
def test_a_real_plan_edited_with_a_recomputed_digest(raw: bytes) -> None:
    read(raw)
