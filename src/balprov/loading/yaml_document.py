"""Read one YAML file into plain values with libyaml, turning every failure into a Problem.

The C parser builds the node tree (with line marks); a small walker turns nodes into dicts, lists and
scalars while it checks what the SafeLoader would not report: duplicate keys, tags that name code,
alias bombs and absurd nesting. Nothing is ever constructed from a tag, so nothing is ever executed.
Dates stay as their ISO text: the schema checks their shape and rules compare them as strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from balprov.loading.limits import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES, SAFE_COMPOSE_BOUND
from balprov.loading.problems import Problem

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc]
    """libyaml's parser and composer without path resolvers: the C composer calls these two Python
    hooks for every node, and balprov registers no path resolver, so they only cost time (~20%)."""

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


_CONSTRUCT = SafeConstructor()

_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP = (
    _TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp")
)
_SEQ, _MAP, _MERGE = _TAG + "seq", _TAG + "map", _TAG + "merge"

SYNTAX, DUPLICATE_KEY, UNSAFE = "yaml-syntax", "yaml-duplicate-key", "yaml-unsafe"


@dataclass(slots=True)
class Loaded:
    """The values of a file (None when it holds no usable document) and what was wrong with it."""

    data: Any
    problems: list[Problem] = field(default_factory=list)
    text: str = ""


class _Abort(Exception):
    """The document cannot be read further (a bomb, too deep); carries the problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def load_yaml(raw: bytes) -> Loaded:
    if len(raw) > MAX_FILE_BYTES:
        return Loaded(None, [Problem(1, 1, UNSAFE, f"file is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,}")])
    text_or_problem = _decode(raw)
    if isinstance(text_or_problem, Problem):
        return Loaded(None, [text_or_problem])
    text = text_or_problem
    try:
        if _nesting_bound(text) > SAFE_COMPOSE_BOUND:
            _check_depth_by_events(text)
        node = compose(text)
    except _Abort as abort:
        return Loaded(None, [abort.problem], text)
    except yaml.YAMLError as error:
        return Loaded(None, [_problem_from_yaml_error(error, text)], text)
    if node is None:
        return Loaded(None, [Problem(1, 1, SYNTAX, "file is empty: a cabinet file holds one YAML document")], text)
    builder = _Builder()
    try:
        data = builder.build(node, 0)
    except _Abort as abort:
        return Loaded(None, [*builder.problems, abort.problem], text)
    return Loaded(data, builder.problems, text)


def compose(text: str) -> Node | None:
    """The node tree of a single-document file (raises yaml.YAMLError)."""
    loader = _Loader(text)
    try:
        node: Node | None = loader.get_single_node()
        return node
    finally:
        loader.dispose()


def _decode(raw: bytes) -> str | Problem:
    nul = raw.find(b"\0")
    if nul >= 0:
        line, column = _byte_position(raw, nul)
        return Problem(line, column, SYNTAX, "binary content (a NUL byte): a cabinet file is UTF-8 text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _byte_position(raw, error.start)
        byte = raw[error.start]
        return Problem(
            line, column, SYNTAX, f"not UTF-8: byte 0x{byte:02x} cannot start a character here; save as UTF-8"
        )
    return text[1:] if text.startswith("\ufeff") else text


def _byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    line_start = raw.rfind(b"\n", 0, offset) + 1
    return raw.count(b"\n", 0, offset) + 1, offset - line_start + 1


def _nesting_bound(text: str) -> int:
    # Every level of nesting needs one of these characters, so their count bounds the depth.
    return sum(text.count(char) for char in "[{-:?")


def _check_depth_by_events(text: str) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                line, column = (event.start_mark.line + 1, event.start_mark.column + 1) if event.start_mark else (1, 1)
                raise _Abort(Problem(line, column, UNSAFE, f"nesting deeper than {MAX_DEPTH} levels"))
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _problem_from_yaml_error(error: yaml.YAMLError, text: str) -> Problem:
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        mark = error.problem_mark
        message = error.problem or "malformed YAML"
        if isinstance(error, yaml.composer.ComposerError) and "another document" in message:
            message = "several documents in one file: a cabinet file holds exactly one"
        elif "maximum nesting depth" in message:
            return Problem(mark.line + 1, mark.column + 1, UNSAFE, f"nesting deeper than libyaml allows ({message})")
        elif error.context:
            message = f"{message} ({error.context})"
        return Problem(mark.line + 1, mark.column + 1, SYNTAX, message)
    if isinstance(error, yaml.reader.ReaderError):
        before = text[: error.position]
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        return Problem(
            line, column, SYNTAX, f"character #x{error.character:04x} is not allowed in YAML ({error.reason})"
        )
    return Problem(1, 1, SYNTAX, str(error).splitlines()[0] if str(error) else "malformed YAML")


class _Builder:
    """Turns a node tree into plain values, collecting problems and counting expanded nodes."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.count = 0
        self.path: list[str] = []

    def _problem(self, node: Node, rule: str, message: str) -> Problem:
        mark = node.start_mark
        return Problem(mark.line + 1, mark.column + 1, rule, message, _pointer(self.path))

    def build(self, node: Node, depth: int) -> Any:
        self.count += 1 if isinstance(node, ScalarNode) else len(node.value) + 1
        if self.count > MAX_NODES:
            raise _Abort(self._problem(node, UNSAFE, f"more than {MAX_NODES:,} values once aliases are expanded"))
        if depth > MAX_DEPTH:
            raise _Abort(self._problem(node, UNSAFE, f"nesting deeper than {MAX_DEPTH} levels"))
        tag = node.tag
        if isinstance(node, ScalarNode):
            return self._scalar(node, tag)
        if tag != _SEQ and tag != _MAP:
            self.problems.append(self._problem(node, UNSAFE, f"tag {_short(tag)} is not allowed (it was not executed)"))
        if isinstance(node, SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                self.path.append(str(index))
                items.append(self.build(item, depth + 1))
                self.path.pop()
            return items
        if isinstance(node, MappingNode):
            return self._mapping(node, depth)
        raise _Abort(self._problem(node, SYNTAX, "unexpected YAML node"))  # pragma: no cover - no other kinds

    def _scalar(self, node: ScalarNode, tag: str) -> Any:
        if tag in (_STR, _TIMESTAMP):
            return node.value
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return _CONSTRUCT.construct_yaml_bool(node)
        if tag == _INT:
            return _CONSTRUCT.construct_yaml_int(node)
        if tag == _FLOAT:
            return _CONSTRUCT.construct_yaml_float(node)
        self.problems.append(self._problem(node, UNSAFE, f"tag {_short(tag)} is not allowed (it was not executed)"))
        return node.value

    def _mapping(self, node: MappingNode, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.problems.append(self._problem(key_node, SYNTAX, "a mapping key must be a plain value"))
                continue
            if key_node.tag == _MERGE:
                self.problems.append(self._problem(key_node, UNSAFE, "merge keys (<<) are not supported"))
                continue
            key = key_node.value
            if value_node.tag == _STR and isinstance(value_node, ScalarNode):  # the common case, inlined
                if key in result:
                    self._duplicate(key_node, key, node)
                result[key] = value_node.value
                continue
            if key in result:
                self._duplicate(key_node, key, node)
            self.path.append(key)
            result[key] = self.build(value_node, depth + 1)
            self.path.pop()
        return result

    def _duplicate(self, key_node: ScalarNode, key: str, mapping: MappingNode) -> None:
        first = next(k for k, _ in mapping.value if isinstance(k, ScalarNode) and k.value == key)
        self.path.append(key)
        message = f"duplicate key {key!r} (first at line {first.start_mark.line + 1}); the last value wins"
        self.problems.append(self._problem(key_node, DUPLICATE_KEY, message))
        self.path.pop()


def _pointer(parts: list[str]) -> str:
    return "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in parts)


def _short(tag: str) -> str:
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag
