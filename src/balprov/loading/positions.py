"""Line and column of any value or key of a document, by JSON pointer.

Built only for files that have something to report: loading keeps plain values, not node trees, so
that validating thousands of clean files does not pay for positions nobody reads (performance-notes.md).
"""

from __future__ import annotations

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from balprov.loading.limits import MAX_DEPTH
from balprov.loading.yaml_document import compose, mark_position, remap_needed


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


class PositionIndex:
    """Positions of a file that loaded without a fatal problem."""

    def __init__(self, text: str) -> None:
        self._values: dict[str, tuple[int, int, bool]] = {}
        self._keys: dict[str, tuple[int, int]] = {}
        self._text = text
        self._remap = remap_needed(text)
        try:
            root = compose(text)
        except Exception:  # the text loaded once already; never let positions break a report
            root = None
        if root is not None:
            self._walk(root, "", 0, set())

    def _walk(self, node: Node, path: str, depth: int, active: set[int]) -> None:
        # A repeated key overwrites: the last value is the one the document holds (yaml_document.py).
        line, column = mark_position(self._text, node.start_mark, self._remap)
        self._values[path] = (line, column, isinstance(node, ScalarNode))
        if depth > MAX_DEPTH or id(node) in active:  # aliases may be recursive
            return
        active.add(id(node))
        if isinstance(node, SequenceNode):
            for index, item in enumerate(node.value):
                self._walk(item, f"{path}/{index}", depth + 1, active)
        elif isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, ScalarNode):
                    child = f"{path}/{_escape(key_node.value)}"
                    self._keys[child] = mark_position(self._text, key_node.start_mark, self._remap)
                    self._walk(value_node, child, depth + 1, active)
        active.discard(id(node))

    def locate(self, path: str, *, at_key: bool = False) -> tuple[int, int]:
        """The offending value's position (its key's when asked, or when the value is a collection);
        for a path that is not in the file (a missing property), the nearest enclosing one."""
        probe = path
        while True:
            value = self._values.get(probe)
            key = self._keys.get(probe)
            if value is not None and value[2] and not at_key:
                return value[0], value[1]
            if key is not None:
                return key
            if value is not None:
                return value[0], value[1]
            if not probe:
                return 1, 1
            probe = probe.rsplit("/", 1)[0]
