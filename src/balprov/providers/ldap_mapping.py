"""A mailbox as LDAP entries, through the `templates/ldap/` Jinja2 templates, and back.

The mapping is data: `ldap/mailbox.yaml.j2` (shipped; a project overrides it with its own
`templates/ldap/mailbox.yaml.j2`) renders one mailbox's normalized definition into a YAML document

    containers: {dn: {attribute: [values]}}   # made if missing, never changed or removed (e.g. ou=bal)
    entries:    {dn: {attribute: [values]}}   # the mailbox: one root entry and its subtree

Two things make that safe and reversible:

- **Every `{{ expression }}` is written as a quoted YAML value** (the environment's `finalize`), like
  HTML autoescaping: a display name holding `"`, `:` or a newline stays one value and can never add an
  attribute or an entry. DN components are escaped by the template with the `rdn` filter, and the
  provider checks every DN it receives (it must parse and lie under `baseDN`, the entries under their root).
- **A value written straight from a field stays bound to it.** Strings of the definition reach the
  template as `Bound` strings that remember their path (`delegataires[claire.dupont].rights[0]`); the
  binding survives `prefixed("validFrom=")` but not other string operations. Reading back, an attribute
  changed by hand in the directory is mapped onto the fields bound to it (drift shown field by field);
  a change no binding explains (a member removed from a group, an entry deleted) is reported as it is
  in the directory, under the definition's `directory` key: `{dn: "missing"}` or
  `{dn: {attribute: {"missing": [values], "unexpected": [values]}}}`.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import yaml

from balprov.errors import ConfigError
from balprov.i18n import _
from balprov.rendering.environment import environment

TEMPLATE = "ldap/mailbox.yaml.j2"
RESERVED = "balprov:"  # values of the marker attribute that belong to the provider, never to a template
DRIFT_KEY = "directory"  # in a definition read back: directory differences no field explains
IDENTITY = {"cotitulaires": "rpps", "delegataires": "id"}

Step = str | int
FieldPath = tuple[Step, ...]
Rdn = tuple[tuple[str, str], ...]  # sorted (type, value) pairs, lowercased: a comparison key
DnKey = tuple[Rdn, ...]  # leftmost RDN first
Values = list[str]

_ATTRIBUTE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9-]*|[0-9]+(?:\.[0-9]+)+)$")
_RDN_SPECIALS = set('\\,+"<>;=')


class MappingError(ConfigError):
    """The LDAP templates produced something the provider cannot apply (the message says what)."""


# -- DNs ---------------------------------------------------------------------------------------------


def escape_rdn(value: object) -> str:
    """A value escaped for an RDN (RFC 4514): `,` `+` `"` `\\` `<` `>` `;` `=`, a leading `#` or
    space, a trailing space and control characters cannot end the component or start another one."""
    text = str(value)
    if not text:
        raise MappingError(_("an empty value cannot name an LDAP entry (rdn filter)"))
    out: list[str] = []
    last = len(text) - 1
    for index, char in enumerate(text):
        if char in _RDN_SPECIALS or (char == "#" and index == 0) or (char == " " and index in (0, last)):
            out.append("\\" + char)
        elif ord(char) < 0x20 or char == "\x7f":
            out.append(f"\\{ord(char):02X}")
        else:
            out.append(char)
    return "".join(out)


def split_dn(dn: str) -> list[list[tuple[str, str]]]:
    """RFC 4514 string to RDNs of (type, unescaped value); ValueError if it is not a DN."""
    rdns: list[list[tuple[str, str]]] = []
    avas: list[tuple[str, str]] = []
    kind: str | None = None
    buffer = bytearray()
    index = 0
    text = dn.lstrip()  # a trailing space may be escaped ("\\ "): never stripped
    if not text:
        raise ValueError(_("empty DN"))

    def close_ava() -> None:
        nonlocal kind
        if kind is None:
            raise ValueError(_("a DN component has no '='"))
        name = kind.strip()
        if not _ATTRIBUTE.match(name):
            raise ValueError(_("bad attribute type {name}").format(name=repr(name)))
        value = buffer.decode("utf-8")
        if not value:
            raise ValueError(_("empty value for {name}").format(name=name))
        avas.append((name, value))
        buffer.clear()
        kind = None

    while index < len(text):
        char = text[index]
        if kind is None:
            if char == "=":
                kind = buffer.decode("utf-8")
                buffer.clear()
                # spaces after '=' are not part of the value (RFC 4514 producers never emit them)
                while index + 1 < len(text) and text[index + 1] == " ":
                    index += 1
            elif char in ",+":
                raise ValueError(_("a DN component has no '='"))
            else:
                buffer.extend(char.encode("utf-8"))
        elif char == "\\":
            pair = text[index + 1 : index + 3]
            if len(pair) == 2 and all(c in "0123456789abcdefABCDEF" for c in pair):
                buffer.append(int(pair, 16))
                index += 2
            elif index + 1 < len(text):
                buffer.extend(text[index + 1].encode("utf-8"))
                index += 1
            else:
                raise ValueError(_("a DN ends with a lone '\\'"))
        elif char in ",+":
            close_ava()
            if char == ",":
                rdns.append(avas)
                avas = []
            while index + 1 < len(text) and text[index + 1] == " ":
                index += 1
        else:
            buffer.extend(char.encode("utf-8"))
        index += 1
    close_ava()
    rdns.append(avas)
    return rdns


def dn_key(dn: str) -> DnKey:
    """A DN's comparison key: types and values case-folded, escapes undone, AVAs of an RDN sorted."""
    return tuple(tuple(sorted((t.lower(), v.lower()) for t, v in rdn)) for rdn in split_dn(dn))


def is_under(key: DnKey, ancestor: DnKey, *, strictly: bool = True) -> bool:
    if strictly and len(key) <= len(ancestor):
        return False
    return key[len(key) - len(ancestor) :] == ancestor


def canonical(attribute: str, value: str) -> tuple[str, Any]:
    """What two values must share to be the same value in the directory: the server rewrites DN values
    (`\\,` becomes `\\2C`) and object class names are case-insensitive."""
    if attribute == "objectclass":
        return ("s", value.lower())
    if "=" in value:
        try:
            return ("dn", dn_key(value))
        except ValueError:
            pass
    return ("s", value)


def same_values(attribute: str, wanted: Iterable[str], found: Iterable[str]) -> bool:
    return {canonical(attribute, v) for v in wanted} == {canonical(attribute, v) for v in found}


# -- bound values --------------------------------------------------------------------------------------


class Bound(str):
    """A string written straight from one field of the definition (its path), maybe behind a prefix."""

    _balprov_path: FieldPath
    _balprov_prefix: str

    def __new__(cls, value: str, path: FieldPath = (), prefix: str = "") -> Bound:
        bound = super().__new__(cls, value)
        bound._balprov_path = tuple(path)
        bound._balprov_prefix = prefix
        return bound


def bind(value: Any, path: FieldPath = (), key: str | None = None) -> Any:
    """The definition with every string replaced by a Bound string carrying its path."""
    if isinstance(value, str):
        return Bound(value, path)
    if isinstance(value, Mapping):
        return {name: bind(item, (*path, name), name) for name, item in value.items()}
    if isinstance(value, list):
        identity = IDENTITY.get(key or "")
        if identity is not None and path == (key,):
            return [bind(item, (*path, str(item.get(identity))), None) for item in value]
        return [bind(item, (*path, index), None) for index, item in enumerate(value)]
    return value


def prefixed(value: Any, prefix: str) -> Any:
    """`{{ d.validFrom | prefixed("validFrom=") }}`: `validFrom=2026-12-01`, still bound to validFrom."""
    if value is None:
        return None
    if isinstance(value, Bound):
        return Bound(prefix + value, value._balprov_path, prefix + value._balprov_prefix)
    return prefix + str(value)


# -- rendering ----------------------------------------------------------------------------------------


def _quoted(text: str) -> str:
    return yaml.safe_dump(text, default_style='"', allow_unicode=True, width=float("inf")).rstrip("\n")


def emit(value: Any) -> str:
    """How every `{{ expression }}` lands in the YAML: one quoted value (or a flow list of them)."""
    if value is None:
        return '!!null ""'
    if isinstance(value, Bound):
        payload = [list(value._balprov_path), str(value), value._balprov_prefix]
        text = yaml.safe_dump(
            payload, default_style='"', default_flow_style=True, allow_unicode=True, width=float("inf")
        )
        return "!bind " + text.rstrip("\n")
    if isinstance(value, bool):
        return _quoted("TRUE" if value else "FALSE")  # LDAP's Boolean syntax
    if isinstance(value, list | tuple):
        return "[" + ", ".join(emit(item) for item in value if item is not None) + "]"
    if isinstance(value, Mapping):
        raise MappingError(_("a template wrote a mapping as a value: write strings, or lists of strings"))
    return _quoted(str(value))


class _Loader(yaml.SafeLoader):
    """Safe YAML where plain scalars stay strings (`no`, `2026-12-01`, `0123`), `!bind` makes a Bound
    string, and aliases are refused."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(None, None, _("aliases are not allowed here"), event.start_mark)
        return super().compose_node(parent, index)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_bound(loader: yaml.SafeLoader, node: yaml.Node) -> Bound:
    payload = loader.construct_sequence(node, deep=True)  # type: ignore[arg-type]
    if (
        len(payload) != 3
        or not isinstance(payload[0], list)
        or not all(isinstance(step, str | int) for step in payload[0])
        or not isinstance(payload[1], str)
        or not isinstance(payload[2], str)
    ):
        raise yaml.constructor.ConstructorError(None, None, _("a malformed !bind value"), node.start_mark)
    return Bound(payload[1], tuple(payload[0]), payload[2])


_Loader.add_constructor("!bind", _construct_bound)


@dataclass(frozen=True)
class Entry:
    dn: str  # as the template wrote it (sent to the directory)
    key: DnKey
    attributes: dict[str, Values]  # lowercased attribute name -> values ([] = managed, must be absent)


@dataclass(frozen=True)
class Rendered:
    """One mailbox's entries: `root` first, parents before children."""

    root: Entry
    entries: dict[DnKey, Entry]
    containers: list[Entry] = field(default_factory=list)


class LdapMapping:
    """The templates of one project, rendering mailboxes under `base_dn`."""

    def __init__(self, templates: Path | None, base_dn: str, marker: str, operator: dict[str, str]) -> None:
        env = environment(templates).overlay(finalize=emit, cache_size=64)
        env.filters = {**env.filters, "rdn": escape_rdn, "prefixed": prefixed}
        self._env = env
        self.base_dn = base_dn
        self.base_key = dn_key(base_dn)
        self.marker = marker.lower()
        self.operator = dict(operator)
        self._templates = templates

    def template_name(self) -> str:
        """Which file renders: the project's override, or the shipped one."""
        if self._templates is not None and (self._templates / TEMPLATE).is_file():
            return f"templates/{TEMPLATE}"
        return _("{template} (shipped)").format(template=TEMPLATE)

    def render(self, definition: Mapping[str, Any]) -> Rendered:
        address = definition.get("address", "?")
        where = _("{template} for {address}").format(template=self.template_name(), address=address)
        context = {
            "mailbox": bind({k: v for k, v in definition.items() if k != DRIFT_KEY}),
            "base_dn": self.base_dn,
            "operator": self.operator,
        }
        try:
            text = self._env.get_template(TEMPLATE).render(context)
        except jinja2.TemplateSyntaxError as error:
            raise MappingError(
                _("{where}: template syntax error at line {line}: {reason}").format(
                    where=where, line=error.lineno, reason=error.message
                )
            ) from None
        except jinja2.TemplateError as error:
            raise MappingError(f"{where}: {type(error).__name__}: {error}") from None
        except MappingError as error:  # raised by emit() or a filter while rendering
            raise MappingError(f"{where}: {error}") from None
        try:
            document = yaml.load(text, Loader=_Loader)  # a SafeLoader subclass
        except yaml.YAMLError as error:
            raise MappingError(
                _("{where}: the rendered document is not valid YAML: {reason}").format(where=where, reason=error)
            ) from None
        try:
            return self._entries(document)
        except MappingError as error:
            raise MappingError(f"{where}: {error}") from None

    # -- the document's shape ----------------------------------------------------------------------

    def _entries(self, document: Any) -> Rendered:
        if not isinstance(document, dict) or not set(document) <= {"entries", "containers"}:
            raise MappingError(_("the document must be a mapping with `entries` (and optionally `containers`)"))
        raw_entries = document.get("entries")
        if not isinstance(raw_entries, dict) or not raw_entries:
            raise MappingError(_("`entries` must map at least one DN to its attributes"))
        entries = [self._entry(dn, attributes) for dn, attributes in raw_entries.items()]
        containers = [self._entry(dn, attributes) for dn, attributes in (document.get("containers") or {}).items()]
        seen: dict[DnKey, str] = {}
        for entry in (*entries, *containers):
            if entry.key in seen:
                raise MappingError(
                    _("{dn} is written twice (also as {other})").format(dn=repr(entry.dn), other=repr(seen[entry.key]))
                )
            seen[entry.key] = entry.dn
            if not is_under(entry.key, self.base_key, strictly=False):
                raise MappingError(
                    _("{dn} is not under the provider's baseDN {base}").format(
                        dn=repr(entry.dn), base=repr(self.base_dn)
                    )
                )
        entries.sort(key=lambda entry: len(entry.key))
        root = entries[0]
        if root.key == self.base_key:
            raise MappingError(
                _("the mailbox's root entry cannot be the baseDN itself ({dn})").format(dn=repr(root.dn))
            )
        for entry in entries[1:]:
            if not is_under(entry.key, root.key):
                raise MappingError(
                    _("{dn} is not under the mailbox's root entry {root}: a mailbox's entries are one subtree").format(
                        dn=repr(entry.dn), root=repr(root.dn)
                    )
                )
        for container in containers:
            if is_under(container.key, root.key, strictly=False):
                raise MappingError(_("container {dn} lies inside the mailbox's entries").format(dn=repr(container.dn)))
        reserved = [value for value in root.attributes.get(self.marker, []) if value.startswith(RESERVED)]
        if reserved:
            raise MappingError(
                _("values of {marker} starting with {reserved} are kept for balprov's own use").format(
                    marker=self.marker, reserved=repr(RESERVED)
                )
            )
        containers.sort(key=lambda entry: len(entry.key))
        return Rendered(root, {entry.key: entry for entry in entries}, containers)

    def _entry(self, dn: Any, attributes: Any) -> Entry:
        if not isinstance(dn, str):
            raise MappingError(_("a DN must be a string, not {kind}").format(kind=type(dn).__name__))
        try:
            key = dn_key(dn)
        except ValueError as error:
            raise MappingError(_("{dn} is not a valid DN ({reason})").format(dn=repr(dn), reason=error)) from None
        if not isinstance(attributes, dict):
            raise MappingError(_("{dn}: attributes must be a mapping of attribute name to values").format(dn=repr(dn)))
        values: dict[str, Values] = {}
        for name, raw in attributes.items():
            if not isinstance(name, str) or not _ATTRIBUTE.match(name):
                raise MappingError(_("{dn}: {name} is not an attribute name").format(dn=repr(dn), name=repr(name)))
            if name.lower() in values:
                raise MappingError(_("{dn}: attribute {name} is written twice").format(dn=repr(dn), name=name))
            values[name.lower()] = _values(dn, name, raw)
        if not values.get("objectclass"):
            raise MappingError(_("{dn} has no objectClass").format(dn=repr(dn)))
        return Entry(dn, key, values)


def _values(dn: str, name: str, raw: Any) -> Values:
    items = raw if isinstance(raw, list) else [raw]
    out: Values = []
    seen: set[str] = set()
    for item in items:
        if item is None:
            continue
        if not isinstance(item, str):
            raise MappingError(
                _("{dn}: {name} holds a {kind}; values are strings").format(
                    dn=repr(dn), name=name, kind=type(item).__name__
                )
            )
        if item and item not in seen:  # LDAP values are non-empty and a set
            seen.add(item)
            out.append(item)
    return out


# -- reading back ---------------------------------------------------------------------------------------


def reconstruct(
    definition: Mapping[str, Any],
    rendered: Rendered,
    found: Mapping[DnKey, Mapping[str, Values]],
    marker: str,
) -> dict[str, Any]:
    """The definition as the directory holds it: `definition` (what was applied) with the directory's
    values put back into the fields bound to them; what no binding explains goes under `directory`."""
    proposals: dict[FieldPath, list[tuple[Any, str, str]]] = {}
    confirmed: set[FieldPath] = set()
    unexplained: dict[str, Any] = {}

    def report(dn: str, name: str, wanted: Values, have: Values) -> None:
        slot = unexplained.setdefault(dn, {})
        if isinstance(slot, dict):
            wanted_keys = {canonical(name, v) for v in wanted}
            have_keys = {canonical(name, v) for v in have}
            missing = [str(v) for v in wanted if canonical(name, v) not in have_keys]
            unexpected = [v for v in have if canonical(name, v) not in wanted_keys]
            slot[name] = {key: values for key, values in (("missing", missing), ("unexpected", unexpected)) if values}

    for key, entry in rendered.entries.items():
        current = found.get(key)
        if current is None:
            unexplained[entry.dn] = "missing"
            continue
        for name, wanted in entry.attributes.items():
            have = _managed(name, wanted, current.get(name, []), marker, key == rendered.root.key)
            if same_values(name, wanted, have):
                confirmed.update(v._balprov_path for v in wanted if isinstance(v, Bound))
                continue
            explained = _explain(definition, name, wanted, have)
            if explained is None:
                report(entry.dn, name, wanted, have)
                continue
            for path, value in explained.items():
                proposals.setdefault(path, []).append((value, entry.dn, name))

    root = rendered.root
    result = copy.deepcopy(dict(definition))
    for path, options in proposals.items():
        values = {repr(value) for value, _dn, _name in options}
        clash = any(_overlaps(path, other) for other in confirmed)
        if clash or len(values) != 1 or not _assign(result, path, options[0][0]):
            for _value, dn, name in options:
                entry = rendered.entries[dn_key(dn)]
                wanted = entry.attributes[name]
                report(dn, name, wanted, _managed(name, wanted, found[entry.key].get(name, []), marker, entry is root))
    if unexplained:
        result[DRIFT_KEY] = unexplained
    return result


def _managed(name: str, wanted: Values, have: Iterable[str], marker: str, is_root: bool) -> Values:
    """The values of an attribute the mapping answers for: not balprov's own marks, and of the object
    classes only those it writes (an adopted entry keeps its own, as the provider does)."""
    if name == "objectclass":
        written = {canonical(name, v) for v in wanted}
        return [v for v in have if canonical(name, v) in written]
    if name == marker and is_root:
        return [v for v in have if not v.startswith(RESERVED)]
    return list(have)


def _overlaps(one: FieldPath, other: FieldPath) -> bool:
    shorter = min(len(one), len(other))
    return one[:shorter] == other[:shorter]


def _explain(
    definition: Mapping[str, Any], attribute: str, wanted: Values, have: Values
) -> dict[FieldPath, Any] | None:
    """Field values that turn `wanted` into `have`, when the bindings say so unambiguously."""
    bound = [v for v in wanted if isinstance(v, Bound)]
    # a whole list written to one attribute (rights, address lines): the list is what the directory holds
    if bound and len(bound) == len(wanted):
        parents = {v._balprov_path[:-1] for v in bound}
        prefixes = {v._balprov_prefix for v in bound}
        indexes = sorted(v._balprov_path[-1] for v in bound if isinstance(v._balprov_path[-1], int))
        if len(parents) == 1 and len(prefixes) == 1 and len(indexes) == len(bound):
            parent, prefix = parents.pop(), prefixes.pop()
            current = _lookup(definition, parent)
            if isinstance(current, list) and indexes == list(range(len(current))):
                if not all(value.startswith(prefix) for value in have):
                    return None
                found = [value[len(prefix) :] for value in have]
                kept = [item for item in current if item in found]  # the recorded order, then the new ones
                return {parent: kept + [item for item in found if item not in kept]}
    # single fields: each value that left is matched with the one that came in under the same prefix
    wanted_keys = {canonical(attribute, v) for v in wanted}
    have_keys = {canonical(attribute, v) for v in have}
    removed = [v for v in wanted if canonical(attribute, v) not in have_keys]
    added = [v for v in have if canonical(attribute, v) not in wanted_keys]
    result: dict[FieldPath, Any] = {}
    for value in removed:
        if not isinstance(value, Bound) or not value._balprov_path or _is_identity(value._balprov_path):
            return None
        prefix = value._balprov_prefix
        candidates = [item for item in added if item.startswith(prefix)]
        if len(candidates) > 1:
            return None
        if candidates:
            added.remove(candidates[0])
            result[value._balprov_path] = candidates[0][len(prefix) :]
        else:
            result[value._balprov_path] = None
    if added:
        return None
    return result


def _is_identity(path: FieldPath) -> bool:
    return len(path) == 3 and path[0] in IDENTITY and path[2] == IDENTITY[str(path[0])]


def _lookup(value: Any, path: FieldPath) -> Any:
    parent_key: Step | None = None
    for step in path:
        if isinstance(value, dict) and isinstance(step, str):
            value = value.get(step)
        elif isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value):
            value = value[step]
        elif isinstance(value, list) and isinstance(step, str) and parent_key in IDENTITY:
            identity = IDENTITY[str(parent_key)]
            value = next((item for item in value if isinstance(item, dict) and item.get(identity) == step), None)
        else:
            return None
        parent_key = step
    return value


def _assign(target: dict[str, Any], path: FieldPath, value: Any) -> bool:
    if not path:
        return False
    parent = _lookup(target, path[:-1])
    last = path[-1]
    if isinstance(parent, dict) and isinstance(last, str) and last in parent:
        parent[last] = value
        return True
    if isinstance(parent, list) and isinstance(last, int) and 0 <= last < len(parent):
        parent[last] = value
        return True
    return False
