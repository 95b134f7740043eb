"""Saved plans are written and hashed a change at a time: the pieces make exactly the whole text."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from balprov.planning.normalize import canonical_json
from balprov.planning.planfile import canonical_chunks, indented_chunks

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet=st.characters(codec="utf-8"), max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=12,
)
bodies = st.dictionaries(st.sampled_from(["changes", "drift", "a", "zz", "digest", "é"]), json_values, max_size=5)
with_changes = st.builds(lambda body, changes: {**body, "changes": changes}, bodies, st.lists(json_values, max_size=4))


@settings(max_examples=300, deadline=None)
@given(bodies | with_changes)
def test_the_pieces_are_the_whole_text(body: dict[str, Any]) -> None:
    assert "".join(canonical_chunks(body)) == canonical_json(body)
    assert "".join(indented_chunks(body)) == json.dumps(body, ensure_ascii=False, indent=2) + "\n"


@pytest.mark.parametrize("changes", [[], [{}], [[]], [{"a": [1, {"b": "é\n"}]}, 2, "x"]])
def test_edge_cases(changes: list[Any]) -> None:
    body = {"format_version": "1", "changes": changes, "drift": []}
    assert "".join(indented_chunks(body)) == json.dumps(body, ensure_ascii=False, indent=2) + "\n"
    assert "".join(canonical_chunks(body)) == canonical_json(body)
