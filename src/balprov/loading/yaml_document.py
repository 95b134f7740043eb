"""Read one YAML file into plain values with libyaml, turning every failure into a Problem.

The C parser builds the node tree (with line marks); a small walker turns nodes into dicts, lists and
scalars while it checks what the SafeLoader would not report: duplicate keys, tags that name code,
alias bombs and absurd nesting. Nothing is ever constructed from a tag, so nothing is ever executed.
Dates stay as their ISO text: the schema checks their shape and rules compare them as strings.

Positions are 1-based (line, column) in characters, lines counted as editors count them (LF, CRLF, CR).
libyaml, a YAML 1.1 parser, also breaks lines at NEL, LS and PS (U+0085, U+2028, U+2029); a file that
holds one of those has its positions recomputed from the character index (`remap_needed`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from balprov.i18n import N_, _
from balprov.loading.limits import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES, SAFE_COMPOSE_BOUND
from balprov.loading.problems import Problem

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP = (
    _TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp")
)
_SEQ, _MAP, _MERGE, _VALUE = _TAG + "seq", _TAG + "map", _TAG + "merge", _TAG + "value"
# Tags a plain key may resolve to; its text is the key (`1: x` has the key "1").
_PLAIN_KEY_TAGS = frozenset((_STR, _INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP, _VALUE))

# The SafeLoader's implicit resolvers by first character, as tuples ('' is the empty scalar: null).
_IMPLICIT: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    first: tuple(resolvers) for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items() if first is not None
}
_HAS_WILDCARD = None in _BaseLoader.yaml_implicit_resolvers


# Tags of plain scalars already resolved: keys and common values repeat in every file. Bounded.
_RESOLVED: dict[str, str] = {}
_RESOLVED_MAX, _RESOLVED_LONGEST = 4096, 32


class _Loader(_BaseLoader):  # type: ignore[misc]
    """libyaml's parser and composer with the resolver hooks it calls for every node made cheap: balprov
    registers no path resolver, and `resolve` looks the implicit resolvers up in a prepared table (the
    same regular expressions, in the same order, as the SafeLoader's), remembering the tags of short
    plain scalars. Resolving was a third of the compose time."""

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    if not _HAS_WILDCARD:  # pragma: no branch - the SafeLoader registers no wildcard resolver

        def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
            if kind is ScalarNode:
                if not implicit[0]:  # quoted, or a block scalar: a string
                    return _STR
                tag = _RESOLVED.get(value)
                if tag is not None:
                    return tag
                tag = _STR
                for candidate, regexp in _IMPLICIT.get(value[:1], ()):
                    if regexp.match(value):
                        tag = candidate
                        break
                if len(value) < _RESOLVED_LONGEST and len(_RESOLVED) < _RESOLVED_MAX:
                    _RESOLVED[value] = tag
                return tag
            return _SEQ if kind is SequenceNode else _MAP


_CONSTRUCT = SafeConstructor()

SYNTAX, DUPLICATE_KEY, UNSAFE = "yaml-syntax", "yaml-duplicate-key", "yaml-unsafe"
_EMPTY = N_("file is empty: a cabinet file holds one YAML document")

_BOMS = (
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\xfe\xff", "UTF-16"),
    (b"\xff\xfe", "UTF-16"),
)


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
        message = _("file is {size:,} bytes; the limit is {limit:,}").format(size=len(raw), limit=MAX_FILE_BYTES)
        return Loaded(None, [Problem(1, 1, UNSAFE, message)])
    text_or_problem = _decode(raw)
    if isinstance(text_or_problem, Problem):
        return Loaded(None, [text_or_problem])
    text = text_or_problem
    remap = remap_needed(text)
    try:
        if _nesting_bound(text) > SAFE_COMPOSE_BOUND:
            _check_depth_by_events(text, remap)
        node = compose(text)
    except _Abort as abort:
        return Loaded(None, [abort.problem], text)
    except yaml.YAMLError as error:
        return Loaded(None, [_problem_from_yaml_error(error, text, remap)], text)
    if node is None:
        return Loaded(None, [Problem(1, 1, SYNTAX, _(_EMPTY))], text)
    if node.tag == _NULL and isinstance(node, ScalarNode):  # `---` alone, `~`, `null`: nothing to check
        if not node.value:
            return Loaded(None, [Problem(1, 1, SYNTAX, _(_EMPTY))], text)
        line, column = mark_position(text, node.start_mark, remap)
        message = _("the document is {value!r} (null): a cabinet file holds one YAML mapping").format(value=node.value)
        return Loaded(None, [Problem(line, column, SYNTAX, message)], text)
    builder = _Builder(text, remap)
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


def remap_needed(text: str) -> bool:
    """Whether libyaml's line numbers differ from an editor's: NEL, LS or PS in the text."""
    return not text.isascii() and ("\x85" in text or "\u2028" in text or "\u2029" in text)


def index_position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character index, lines broken at LF, CRLF and CR."""
    before = text[:index]
    line = before.count("\n") + before.count("\r") - before.count("\r\n") + 1
    line_start = max(before.rfind("\n"), before.rfind("\r")) + 1
    return line, index - line_start + 1


def mark_position(text: str, mark: Any, remap: bool) -> tuple[int, int]:
    if remap:
        return index_position(text, mark.index)
    return mark.line + 1, mark.column + 1


def _decode(raw: bytes) -> str | Problem:
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            message = _("{encoding} text (it starts with a {encoding} byte-order mark): save as UTF-8").format(
                encoding=encoding
            )
            return Problem(1, 1, SYNTAX, message)
    nul = raw.find(b"\0")
    if nul >= 0:
        line, column = _byte_position(raw, nul)
        return Problem(line, column, SYNTAX, _("binary content (a NUL byte): a cabinet file is UTF-8 text"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _byte_position(raw, error.start)
        byte = raw[error.start]
        message = _("not UTF-8: byte 0x{byte:02x} cannot start a character here; save as UTF-8").format(byte=byte)
        return Problem(line, column, SYNTAX, message)
    return text[1:] if text.startswith("\ufeff") else text


def _byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    """Line and column (in characters, as an editor shows them) of a byte offset."""
    line_start = max(raw.rfind(b"\n", 0, offset), raw.rfind(b"\r", 0, offset)) + 1
    line = raw.count(b"\n", 0, offset) + raw.count(b"\r", 0, offset) - raw.count(b"\r\n", 0, offset) + 1
    prefix = raw[line_start:offset]
    if line_start == 0 and prefix.startswith(b"\xef\xbb\xbf"):
        prefix = prefix[3:]  # the UTF-8 byte-order mark is not a column
    return line, len(prefix.decode("utf-8", "replace")) + 1


def _nesting_bound(text: str) -> int:
    # Every level of nesting needs one of these characters, so their count bounds the depth.
    return text.count("[") + text.count("{") + text.count("-") + text.count(":") + text.count("?")


def _check_depth_by_events(text: str, remap: bool) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                line, column = mark_position(text, event.start_mark, remap) if event.start_mark else (1, 1)
                raise _Abort(
                    Problem(line, column, UNSAFE, _("nesting deeper than {limit} levels").format(limit=MAX_DEPTH))
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _problem_from_yaml_error(error: yaml.YAMLError, text: str, remap: bool) -> Problem:
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        line, column = mark_position(text, error.problem_mark, remap)
        # libyaml's own words (error.problem, error.context) are English: they are quoted as they are
        message = error.problem or _("malformed YAML")
        if isinstance(error, yaml.composer.ComposerError) and "another document" in message:
            message = _("several documents in one file: a cabinet file holds exactly one")
        elif "maximum nesting depth" in message:
            return Problem(
                line, column, UNSAFE, _("nesting deeper than libyaml allows ({reason})").format(reason=message)
            )
        elif error.context:
            message = f"{message} ({error.context})"
        return Problem(line, column, SYNTAX, message)
    if isinstance(error, yaml.reader.ReaderError):
        # libyaml reads the text as UTF-8: its offset counts bytes, not characters.
        index = len(text.encode("utf-8")[: error.position].decode("utf-8", "replace"))
        line, column = index_position(text, index)
        message = _("character #x{code:04x} is not allowed in YAML ({reason})").format(
            code=error.character, reason=error.reason
        )
        return Problem(line, column, SYNTAX, message)
    return Problem(1, 1, SYNTAX, str(error).splitlines()[0] if str(error) else _("malformed YAML"))


class _Builder:
    """Turns a node tree into plain values, collecting problems and counting expanded nodes.

    The common shapes (a mapping of plain keys, string values, lists) are handled inline, without a call
    per node or a path kept for every value: the path is pushed only when descending into a collection
    or a non-string scalar, which is all a problem ever needs."""

    __slots__ = ("count", "path", "problems", "remap", "text")

    def __init__(self, text: str = "", remap: bool = False) -> None:
        self.problems: list[Problem] = []
        self.count = 0
        self.path: list[str] = []
        self.text = text
        self.remap = remap

    def _problem(self, node: Node, rule: str, message: str, path: list[str] | None = None) -> Problem:
        line, column = mark_position(self.text, node.start_mark, self.remap)
        return Problem(line, column, rule, message, _pointer(self.path if path is None else path))

    def _limits(self, node: Node, depth: int) -> None:
        if self.count > MAX_NODES:
            message = _("more than {limit:,} values once aliases are expanded").format(limit=MAX_NODES)
            raise _Abort(self._problem(node, UNSAFE, message))
        if depth > MAX_DEPTH:
            raise _Abort(self._problem(node, UNSAFE, _("nesting deeper than {limit} levels").format(limit=MAX_DEPTH)))

    def build(self, node: Node, depth: int) -> Any:
        kind = node.__class__
        if kind is ScalarNode:
            self.count += 1
            if self.count > MAX_NODES or depth > MAX_DEPTH:
                self._limits(node, depth)
            tag = node.tag
            if tag in (_STR, _TIMESTAMP):
                return node.value
            return self._scalar(node, tag)
        items = node.value
        self.count += len(items) + 1
        if self.count > MAX_NODES or depth > MAX_DEPTH:
            self._limits(node, depth)
        if kind is MappingNode:
            if node.tag != _MAP:
                self._bad_tag(node)
            return self._mapping(node, items, depth)
        if kind is SequenceNode:
            if node.tag != _SEQ:
                self._bad_tag(node)
            return self._sequence(items, depth)
        raise _Abort(self._problem(node, SYNTAX, _("unexpected YAML node")))  # pragma: no cover - no other kinds

    def _sequence(self, items: list[Node], depth: int) -> list[Any]:
        result: list[Any] = []
        path = self.path
        inline = depth < MAX_DEPTH
        for index, item in enumerate(items):
            if inline and item.__class__ is ScalarNode and item.tag == _STR:
                self.count += 1
                if self.count <= MAX_NODES:
                    result.append(item.value)
                    continue
                self.count -= 1  # build() counts it again and reports it, with its path
            path.append(str(index))
            result.append(self.build(item, depth + 1))
            path.pop()
        return result

    def _scalar(self, node: Any, tag: str) -> Any:
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return _CONSTRUCT.construct_yaml_bool(node)
        if tag == _INT:
            return _CONSTRUCT.construct_yaml_int(node)
        if tag == _FLOAT:
            return _CONSTRUCT.construct_yaml_float(node)
        if tag in (_MERGE, _VALUE) and not node.style and node.value in ("<<", "="):
            return node.value  # a plain `<<` or `=` as a value is text (YAML 1.1 resolvers aside)
        self._bad_tag(node)
        return node.value

    def _bad_tag(self, node: Node) -> None:
        message = _("tag {tag} is not allowed (it was not executed)").format(tag=_short(node.tag))
        self.problems.append(self._problem(node, UNSAFE, message))

    def _mapping(self, node: Node, pairs: list[tuple[Node, Node]], depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        path = self.path
        for key_node, value_node in pairs:
            if key_node.__class__ is ScalarNode and key_node.tag == _STR:
                key = key_node.value
            else:
                odd = self._odd_key(key_node)
                if odd is None:
                    continue
                key = odd
            if key in result:
                self._duplicate(key_node, key, node)
            if value_node.__class__ is ScalarNode and value_node.tag == _STR:  # the common case, inlined
                result[key] = value_node.value
                continue
            path.append(key)
            result[key] = self.build(value_node, depth + 1)
            path.pop()
        return result

    def _odd_key(self, key_node: Node) -> str | None:
        """The key of a pair whose key is not a plain string, or None to skip the pair (reported)."""
        if not isinstance(key_node, ScalarNode):
            self.problems.append(self._problem(key_node, SYNTAX, _("a mapping key must be a plain value")))
            return None
        if key_node.tag == _MERGE:
            self.problems.append(self._problem(key_node, UNSAFE, _("merge keys (<<) are not supported")))
            return None
        key: str = key_node.value
        if key_node.tag not in _PLAIN_KEY_TAGS:
            message = _("tag {tag} is not allowed (it was not executed)").format(tag=_short(key_node.tag))
            self.problems.append(self._problem(key_node, UNSAFE, message, [*self.path, key]))
        return key

    def _duplicate(self, key_node: Node, key: str, mapping: Node) -> None:
        first = next(k for k, _ in mapping.value if isinstance(k, ScalarNode) and k.value == key)
        message = _("duplicate key {key!r} (first at line {line}); the last value wins").format(
            key=key, line=self._line(first)
        )
        self.problems.append(self._problem(key_node, DUPLICATE_KEY, message, [*self.path, key]))

    def _line(self, node: Node) -> int:
        return mark_position(self.text, node.start_mark, self.remap)[0]


def _pointer(parts: list[str]) -> str:
    return "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in parts)


def _short(tag: str) -> str:
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag
