"""The `ldap` provider: mailboxes as entries of the operator's LDAP directory (OpenLDAP, 389-ds, …).

Which entries and attributes a mailbox becomes is data, rendered by `templates/ldap/mailbox.yaml.j2`
(see `ldap_mapping` and docs/ldap-mapping.md): one root entry and its subtree per mailbox. The provider
adds to the root entry, in its marker attribute (`description` by default), three values of its own:

    balprov:owner=<lineage of the balprov state that created it>
    balprov:address=<the mailbox address>          (how `read` finds a mailbox)
    balprov:definition=<the definition last applied, canonical JSON>

The owner is written with the root entry itself, in the same add, so a mailbox is never half-claimed;
the definition is rewritten last, after every other change succeeded. An entry found where a mailbox
goes without balprov's owner mark (or with another state's) is never taken over unless `--adopt`.

Every call is idempotent and writes only what differs: `create`/`update` render the wanted entries,
read what the directory holds under the root, and send the adds, the modify operations for the
values that changed (objectClass values are only added, never removed unless balprov wrote them),
and the subtree deletes of entries no longer rendered. A second identical call sends nothing.
`read` renders the definition last applied and compares it with the directory (`ldap_mapping.reconstruct`).

The bind password comes from the environment (`password: ${VAR}` or `passwordEnv: VAR`); it is never
part of a message: every message is built here and scrubbed of it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import ssl
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import ldap3  # type: ignore[import-untyped]
from ldap3.core import exceptions as ldap_errors  # type: ignore[import-untyped]
from ldap3.utils.conv import escape_filter_chars  # type: ignore[import-untyped]

from balprov.errors import ConfigError
from balprov.i18n import N_, _
from balprov.planning.normalize import canonical_json
from balprov.project import Operator, Project
from balprov.providers.base import Provider, ProviderError
from balprov.providers.ldap_mapping import (
    DRIFT_KEY,
    RESERVED,
    DnKey,
    LdapMapping,
    MappingError,
    Rendered,
    Values,
    canonical,
    dn_key,
    is_under,
    reconstruct,
)

SETTINGS = (
    "type",
    "url",
    "startTLS",
    "bindDN",
    "password",
    "passwordEnv",
    "baseDN",
    "timeout",
    "markerAttribute",
    "tlsCAFile",
)
DEFAULT_TIMEOUT = 10
DEFAULT_MARKER = "description"

OWNER_MARK = RESERVED + "owner="
ADDRESS_MARK = RESERVED + "address="
DEFINITION_MARK = RESERVED + "definition="

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ATTRIBUTE = re.compile(r"^[A-Za-z][A-Za-z0-9-]*$")

_NO_SUCH_OBJECT, _ALREADY_EXISTS = 32, 68


# -- settings ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LdapSettings:
    url: str
    host: str
    port: int
    use_ssl: bool
    start_tls: bool
    bind_dn: str
    base_dn: str
    timeout: int  # seconds: ldap3 takes whole seconds for the answers
    marker_attribute: str
    ca_file: Path | None
    password: str = field(repr=False)


def ldap_settings(operator: Operator, project: Project) -> LdapSettings:
    """The operator's `provider:` block, checked. Messages name settings, never the password's value."""
    where = _("balprov.yaml: operator {id}: provider").format(id=repr(operator.id))
    raw = operator.provider
    unknown = sorted(str(key) for key in raw if key not in SETTINGS)
    if unknown:
        raise ConfigError(
            _("{where}: unknown ldap setting(s) {unknown} (known: {known})").format(
                where=where, unknown=", ".join(unknown), known=", ".join(SETTINGS[1:])
            )
        )

    def text(key: str, required: bool = True) -> str | None:
        value = raw.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(_("{where}.{key} must be a non-empty string").format(where=where, key=key))
        return value.strip()

    url = text("url") or ""
    parts = urlsplit(url)
    if "@" in parts.netloc:
        raise ConfigError(
            _("{where}.url must not carry credentials (user:password@); use bindDN and password").format(where=where)
        )
    if parts.scheme not in ("ldap", "ldaps"):
        raise ConfigError(
            _("{where}.url must start with ldap:// or ldaps:// (got {scheme} scheme)").format(
                where=where, scheme=parts.scheme
            )
            if parts.scheme
            else _("{where}.url must start with ldap:// or ldaps:// (got no scheme)").format(where=where)
        )
    try:
        port = parts.port
    except ValueError:
        raise ConfigError(_("{where}.url has an invalid port: {url}").format(where=where, url=url)) from None
    if not parts.hostname or parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ConfigError(_("{where}.url must be ldap[s]://host[:port] (got {url})").format(where=where, url=url))
    use_ssl = parts.scheme == "ldaps"
    start_tls = raw.get("startTLS", False)
    if not isinstance(start_tls, bool):
        raise ConfigError(_("{where}.startTLS must be true or false").format(where=where))
    if start_tls and use_ssl:
        raise ConfigError(
            _("{where}.startTLS applies to ldap:// URLs; an ldaps:// URL is TLS from the start").format(where=where)
        )

    bind_dn = text("bindDN") or ""
    base_dn = text("baseDN") or ""
    for key, value in (("bindDN", bind_dn), ("baseDN", base_dn)):
        try:
            dn_key(value)
        except ValueError as error:
            raise ConfigError(
                _("{where}.{key} is not a valid DN ({reason}): {value}").format(
                    where=where, key=key, reason=error, value=value
                )
            ) from None

    timeout = raw.get("timeout", DEFAULT_TIMEOUT)
    if isinstance(timeout, bool) or not isinstance(timeout, int) or not 1 <= timeout <= 3600:
        raise ConfigError(_("{where}.timeout must be a whole number of seconds from 1 to 3600").format(where=where))
    marker = text("markerAttribute", required=False) or DEFAULT_MARKER
    if not _ATTRIBUTE.match(marker):
        raise ConfigError(_("{where}.markerAttribute must be an attribute name").format(where=where))
    ca_text = text("tlsCAFile", required=False)
    ca_file = project.root / ca_text if ca_text else None
    if ca_file is not None and not ca_file.is_file():
        raise ConfigError(
            _("{where}.tlsCAFile: {path} is not a file").format(where=where, path=project.display(ca_file))
        )

    return LdapSettings(
        url=f"{parts.scheme}://{parts.netloc}",
        host=parts.hostname,
        port=port or (636 if use_ssl else 389),
        use_ssl=use_ssl,
        start_tls=start_tls,
        bind_dn=bind_dn,
        base_dn=base_dn,
        timeout=timeout,
        marker_attribute=marker,
        ca_file=ca_file,
        password=_password(raw, where),
    )


def _password(raw: Mapping[str, Any], where: str) -> str:
    has_password, has_env = "password" in raw, "passwordEnv" in raw
    if has_password == has_env:
        raise ConfigError(
            _("{where}: set exactly one of password (a ${{VAR}} reference) and passwordEnv (a variable name)").format(
                where=where
            )
        )
    if has_env:
        name = raw["passwordEnv"]
        if not isinstance(name, str) or not _ENV_NAME.match(name):
            raise ConfigError(_("{where}.passwordEnv must be the name of an environment variable").format(where=where))
    else:  # `password: ${VAR}`: balprov.yaml's ${VAR} references are resolved when it is loaded
        value = raw["password"]
        if not isinstance(value, str):
            raise ConfigError(
                _("{where}.password must be a string: write password: ${{LDAP_PASSWORD}}").format(where=where)
            )
        if not value:
            raise ConfigError(
                _("{where}.password is empty (an empty password would be an anonymous bind)").format(where=where)
            )
        return value
    password = os.environ.get(name)
    if password is None:
        raise ConfigError(
            _("{where}: the bind password's environment variable {name} is not set").format(where=where, name=name)
        )
    if not password:
        raise ConfigError(
            _(
                "{where}: the environment variable {name} is empty (an empty password would be an anonymous bind)"
            ).format(where=where, name=name)
        )
    return password


def open_ldap_provider(operator: Operator, project: Project, owner: str, *, adopt: bool = False) -> LdapProvider:
    return LdapProvider(ldap_settings(operator, project), owner, operator, project.root / "templates", adopt=adopt)


# -- the provider --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Marks:
    """balprov's values on a mailbox's root entry."""

    owner: str | None = None
    address: str | None = None
    definition: dict[str, Any] | None = None
    values: tuple[str, ...] = ()  # as found


@dataclass(frozen=True)
class Found:
    dn: str
    key: DnKey
    attributes: dict[str, Values]


class LdapProvider(Provider):
    """Mailboxes under `settings.base_dn`, created on behalf of the state whose lineage is `owner`."""

    def __init__(
        self,
        settings: LdapSettings,
        owner: str,
        operator: Operator,
        templates: Path | None,
        *,
        adopt: bool = False,
    ) -> None:
        self.settings = settings
        self.owner = owner
        self.adopt = adopt
        self.label = _("ldap provider (operator {id}, {url})").format(id=operator.id, url=settings.url)
        self.marker = settings.marker_attribute.lower()
        self.mapping = LdapMapping(
            templates, settings.base_dn, settings.marker_attribute, {"id": operator.id, "domain": operator.domain}
        )
        self._connection: Any = None
        self._containers: set[DnKey] = set()

    # -- the four calls ----------------------------------------------------------------------------

    def create(self, definition: dict[str, Any]) -> dict[str, str]:
        rendered = self.mapping.render(definition)
        self._converge(definition, rendered, [], N_("cannot create {address}"))
        return {"ldap_dn": rendered.root.dn}

    def update(self, before: dict[str, Any], after: dict[str, Any]) -> dict[str, str]:
        rendered = self.mapping.render(after)
        previous = []
        with contextlib.suppress(MappingError):  # a definition the current templates refuse: nothing to compare
            previous.append(self.mapping.render(before))
        refusal = (
            N_("cannot update {address}")
            if before.get("address") == after["address"]
            else N_("cannot move a mailbox to {address}")
        )
        self._converge(after, rendered, previous, refusal)
        return {"ldap_dn": rendered.root.dn}

    def delete(self, definition: dict[str, Any]) -> None:
        address = definition["address"]
        rendered = self.mapping.render(definition)
        roots = {rendered.root.key: rendered.root.dn}
        for found in self._locate(address):
            roots.setdefault(found.key, found.dn)
        for dn in roots.values():
            attributes = self._entry(dn, [self.marker])
            if attributes is None:
                continue
            marks = self._marks(attributes)
            self._check_owner(marks, dn, address, N_("cannot delete {address}"))
            if marks.definition is not None and marks.definition.get("name") != definition["name"]:
                continue  # the address now serves another mailbox of this state (a renamed one)
            self._delete_subtree(dn)

    def read(self, address: str) -> dict[str, Any] | None:
        located = self._locate(address)
        if not located:
            return None
        ours = [found for found in located if self._marks(found.attributes).owner == self.owner]
        chosen = (ours or located)[0]
        marks = self._marks(chosen.attributes)
        if marks.definition is None:
            raise ProviderError(
                self._say(
                    _(
                        "{address}: {dn} carries balprov's marks but no readable definition; "
                        "fix or remove its {mark} value"
                    ).format(address=address, dn=chosen.dn, mark=DEFINITION_MARK)
                )
            )
        rendered = self.mapping.render(marks.definition)
        found = self._subtree(rendered.root.dn, self._names(rendered))
        return reconstruct(marks.definition, rendered, {key: f.attributes for key, f in found.items()}, self.marker)

    def close(self) -> None:
        self._discard()

    # -- converging ----------------------------------------------------------------------------------

    def _converge(self, definition: dict[str, Any], rendered: Rendered, previous: list[Rendered], refusal: str) -> None:
        """Bring the directory to `rendered`: adds, then modifies, then deletes, then balprov's marks.

        `refusal` ("cannot create {address}", marked with N_) starts the message if the entry is not ours."""
        address = definition["address"]
        definition = {key: value for key, value in definition.items() if key != DRIFT_KEY}
        self._ensure_containers(rendered)
        current = self._subtree(rendered.root.dn, self._names(rendered, *previous))
        root = current.get(rendered.root.key)
        if root is not None:
            marks = self._marks(root.attributes)
            self._check_owner(marks, rendered.root.dn, address, refusal)
            if marks.definition is not None:
                with contextlib.suppress(MappingError):
                    previous = [*previous, self.mapping.render(marks.definition)]

        marks_wanted = [
            OWNER_MARK + self.owner,
            ADDRESS_MARK + address,
            DEFINITION_MARK + canonical_json(definition),
        ]
        for key, entry in rendered.entries.items():  # parents first
            if key in current:
                continue
            attributes = {name: [str(v) for v in values] for name, values in entry.attributes.items() if values}
            if key == rendered.root.key:
                attributes[self.marker] = [*attributes.get(self.marker, []), *marks_wanted]
            self._add(entry.dn, attributes)

        for key, entry in rendered.entries.items():
            if key not in current:
                continue
            changes = self._changes(key == rendered.root.key, entry.attributes, current[key].attributes, previous, key)
            if changes:
                self._modify(entry.dn, changes)

        stale = {
            key
            for prior in previous
            for key in prior.entries
            if key not in rendered.entries and key in current and is_under(key, rendered.root.key)
        }
        for key in sorted(stale, key=len, reverse=True):
            self._delete_subtree(current[key].dn)

        if root is not None:
            found_marks = [v for v in root.attributes.get(self.marker, []) if v.startswith(RESERVED)]
            ops = _value_ops(
                [v for v in found_marks if v not in marks_wanted], [v for v in marks_wanted if v not in found_marks]
            )
            if ops:
                self._modify(rendered.root.dn, {self.marker: ops})

        # the same mailbox elsewhere (an address change, a changed template): removed once the new one is there
        elsewhere = {prior.root.key: prior.root.dn for prior in previous if prior.root.key != rendered.root.key}
        for found in self._locate(address):
            if found.key != rendered.root.key:
                elsewhere.setdefault(found.key, found.dn)
        for dn in elsewhere.values():
            held = self._entry(dn, [self.marker])
            if held is None:
                continue
            marks = self._marks(held)
            if marks.owner == self.owner and (marks.definition or {}).get("name") == definition["name"]:
                self._delete_subtree(dn)

    def _changes(
        self,
        is_root: bool,
        wanted: Mapping[str, Values],
        have: Mapping[str, Values],
        previous: list[Rendered],
        key: DnKey,
    ) -> dict[str, list[tuple[Any, list[str]]]]:
        """The modify operations of one entry: per attribute, the values to delete and to add."""
        prior: dict[str, list[str]] = {}
        for rendered in previous:
            entry = rendered.entries.get(key)
            for name, values in (entry.attributes if entry else {}).items():
                prior.setdefault(name, []).extend(values)
        changes: dict[str, list[tuple[Any, list[str]]]] = {}
        for name in [*wanted, *(n for n in prior if n not in wanted)]:
            found = list(have.get(name, []))
            if is_root and name == self.marker:
                found = [v for v in found if not v.startswith(RESERVED)]
            if name in wanted:
                keep = {canonical(name, v) for v in wanted[name]}
                present = {canonical(name, v) for v in found}
                remove = [v for v in found if canonical(name, v) not in keep]
                if name == "objectclass":  # only classes balprov wrote go: an adopted entry keeps its own
                    written = {canonical(name, v) for v in prior.get(name, [])}
                    remove = [v for v in remove if canonical(name, v) in written]
                add = [str(v) for v in wanted[name] if canonical(name, v) not in present]
            else:  # no longer rendered: the values balprov wrote go
                written = {canonical(name, v) for v in prior[name]}
                remove, add = [v for v in found if canonical(name, v) in written], []
            ops = _value_ops(remove, add)
            if ops:
                changes[name] = ops
        return changes

    def _check_owner(self, marks: Marks, dn: str, address: str, refusal: str) -> None:
        if marks.owner == self.owner or self.adopt:
            return
        cannot = _(refusal).format(address=address)
        if marks.owner is None:
            raise ProviderError(
                self._say(
                    _(
                        "{refusal}: {dn} already exists in the directory and was not created by balprov; refusing to "
                        "take it over (if it is this mailbox, `balprov apply --adopt` manages it from now on)"
                    ).format(refusal=cannot, dn=dn)
                )
            )
        raise ProviderError(
            self._say(
                _(
                    "{refusal}: {dn} was created by another balprov state (lineage {owner}); "
                    "refusing to take it over (`balprov apply --adopt` would)"
                ).format(refusal=cannot, dn=dn, owner=marks.owner)
            )
        )

    def _ensure_containers(self, rendered: Rendered) -> None:
        for container in rendered.containers:
            if container.key in self._containers:
                continue
            if self._entry(container.dn, ["1.1"]) is None:
                attributes = {name: [str(v) for v in values] for name, values in container.attributes.items() if values}
                self._add(container.dn, attributes, tolerate=(_ALREADY_EXISTS,))
            self._containers.add(container.key)

    def _delete_subtree(self, dn: str) -> None:
        found = self._subtree(dn, ["1.1"])
        for entry in sorted(found.values(), key=lambda item: len(item.key), reverse=True):
            self._delete(entry.dn)

    # -- reading -------------------------------------------------------------------------------------

    def _names(self, *rendered: Rendered) -> list[str]:
        names = {name for r in rendered for entry in r.entries.values() for name in entry.attributes}
        return sorted(names | {self.marker})

    def _marks(self, attributes: Mapping[str, Values]) -> Marks:
        values = tuple(v for v in attributes.get(self.marker, []) if v.startswith(RESERVED))
        owner = next((v[len(OWNER_MARK) :] for v in values if v.startswith(OWNER_MARK)), None)
        address = next((v[len(ADDRESS_MARK) :] for v in values if v.startswith(ADDRESS_MARK)), None)
        definition: dict[str, Any] | None = None
        text = next((v[len(DEFINITION_MARK) :] for v in values if v.startswith(DEFINITION_MARK)), None)
        if text is not None:
            try:
                loaded = json.loads(text)
            except ValueError:
                loaded = None
            if isinstance(loaded, dict) and isinstance(loaded.get("address"), str):
                definition = loaded
        return Marks(owner, address, definition, values)

    def _locate(self, address: str) -> list[Found]:
        """The root entries that balprov marked with this address, anywhere under baseDN."""
        value = escape_filter_chars(ADDRESS_MARK + address)
        found = self._search(self.settings.base_dn, f"({self.marker}={value})", ldap3.SUBTREE, [self.marker])
        return [item for item in found if self._marks(item.attributes).address == address]

    def _subtree(self, dn: str, attributes: list[str]) -> dict[DnKey, Found]:
        return {item.key: item for item in self._search(dn, "(objectClass=*)", ldap3.SUBTREE, attributes)}

    def _entry(self, dn: str, attributes: list[str]) -> dict[str, Values] | None:
        found = self._search(dn, "(objectClass=*)", ldap3.BASE, attributes)
        return found[0].attributes if found else None

    def _search(self, base: str, filter_: str, scope: Any, attributes: list[str]) -> list[Found]:
        connection = self._open()
        with self._communication(_("search under {base}").format(base=base)):
            connection.search(base, filter_, search_scope=scope, attributes=attributes)
        result = connection.result
        if result["result"] == _NO_SUCH_OBJECT:
            return []
        if result["result"] != 0:
            raise self._refused(_("search under {base}").format(base=base), result)
        found = []
        for item in connection.response or []:
            if item.get("type") != "searchResEntry":
                continue
            try:
                key = dn_key(item["dn"])
            except ValueError:
                continue
            attributes_found = {
                str(name).lower(): [_text(value) for value in values] for name, values in item["raw_attributes"].items()
            }
            found.append(Found(item["dn"], key, attributes_found))
        return found

    # -- writing -------------------------------------------------------------------------------------

    def _add(self, dn: str, attributes: dict[str, list[str]], tolerate: tuple[int, ...] = ()) -> None:
        tolerated = (_NO_SUCH_OBJECT, *tolerate)
        code = self._write(_("add {dn}").format(dn=dn), lambda c: c.add(dn, attributes=attributes), tolerate=tolerated)
        if code == _NO_SUCH_OBJECT:
            raise ProviderError(
                self._say(
                    _("add {dn}: its parent entry does not exist (is baseDN {base} right?)").format(
                        dn=dn, base=self.settings.base_dn
                    )
                )
            )

    def _modify(self, dn: str, changes: dict[str, list[tuple[Any, list[str]]]]) -> None:
        self._write(_("modify {dn}").format(dn=dn), lambda c: c.modify(dn, changes))

    def _delete(self, dn: str) -> None:
        self._write(_("delete {dn}").format(dn=dn), lambda c: c.delete(dn), tolerate=(_NO_SUCH_OBJECT,))

    def _write(self, what: str, operation: Callable[[Any], Any], tolerate: tuple[int, ...] = ()) -> int:
        connection = self._open()
        with self._communication(what, write=True):
            operation(connection)
        code: int = connection.result["result"]
        if code != 0 and code not in tolerate:
            raise self._refused(what, connection.result)
        return code

    # -- the connection ------------------------------------------------------------------------------

    def _open(self) -> Any:
        if self._connection is not None:
            return self._connection
        settings = self.settings
        tls = None
        if settings.use_ssl or settings.start_tls:
            tls = ldap3.Tls(
                validate=ssl.CERT_REQUIRED, ca_certs_file=str(settings.ca_file) if settings.ca_file else None
            )
        server = ldap3.Server(
            settings.host,
            port=settings.port,
            use_ssl=settings.use_ssl,
            tls=tls,
            get_info=ldap3.NONE,
            connect_timeout=settings.timeout,
        )
        connection = ldap3.Connection(
            server,
            user=settings.bind_dn,
            password=settings.password,
            auto_bind=ldap3.AUTO_BIND_NONE,
            client_strategy=ldap3.SYNC,
            raise_exceptions=False,
            receive_timeout=settings.timeout,
            read_only=False,
            check_names=False,
            auto_escape=False,
            auto_referrals=False,
            return_empty_attributes=False,
        )
        self._connection = connection
        try:
            with self._communication(_("connect")):
                connection.open()
                if settings.start_tls and not connection.start_tls():
                    raise self._refused("StartTLS", connection.result)
                bound = connection.bind()
            if not bound:
                raise self._refused(_("bind as {dn}").format(dn=settings.bind_dn), connection.result)
        except BaseException:
            self._discard()
            raise
        return connection

    def _discard(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                connection.unbind()

    @contextlib.contextmanager
    def _communication(self, what: str, write: bool = False) -> Iterator[None]:
        """ldap3's exceptions as ProviderErrors that say what failed; the connection is dropped after one."""
        try:
            yield
        except ldap_errors.LDAPException as error:
            self._discard()
            raise ProviderError(self._say(_explain(error, what, self.settings.timeout, write))) from None
        except Exception as error:  # ldap3 lets socket, ssl and struct errors through
            self._discard()
            raise ProviderError(
                self._say(
                    _("{what} failed: {kind}: {reason}").format(what=what, kind=type(error).__name__, reason=error)
                )
            ) from None

    def _refused(self, what: str, result: Mapping[str, Any]) -> ProviderError:
        code = result.get("result")
        description = result.get("description") or "error"
        message = str(result.get("message") or "").strip()
        text = (
            _("{what} refused by the directory: {description} ({code}): {message}")
            if message
            else _("{what} refused by the directory: {description} ({code})")
        ).format(what=what, description=description, code=code, message=message)
        if code == 49:
            text += _(" — check bindDN and the password's environment variable")
        return ProviderError(self._say(text))

    def _say(self, message: str) -> str:
        """Every message goes out through here: prefixed with the provider, scrubbed of the password."""
        text = f"{self.label}: {message}"
        password = self.settings.password
        return text.replace(password, "********") if password else text


def _explain(error: Exception, what: str, timeout: int, write: bool) -> str:
    detail = _unwrapped(str(error)) or type(error).__name__
    if "CERTIFICATE_VERIFY_FAILED" in detail or "certificate" in detail.lower():
        return _(
            "TLS with the directory failed ({what}): {detail} — is the directory's certificate issued for this host "
            "by an authority in tlsCAFile (or the system's)?"
        ).format(what=what, detail=detail)
    if isinstance(error, ldap_errors.LDAPSocketOpenError):
        return _("cannot reach the directory ({what}): {detail}").format(what=what, detail=detail)
    if isinstance(error, ldap_errors.LDAPResponseTimeoutError) or "timed out" in detail:
        if write:
            return _(
                "the directory did not answer within {timeout}s ({what}); the change may or may not have reached "
                "the directory: once it answers, `balprov apply` converges"
            ).format(timeout=timeout, what=what)
        return _("the directory did not answer within {timeout}s ({what})").format(timeout=timeout, what=what)
    if isinstance(error, ldap_errors.LDAPStartTLSError | ldap_errors.LDAPSSLConfigurationError):
        return _("TLS with the directory failed ({what}): {detail}").format(what=what, detail=detail)
    if isinstance(error, ldap_errors.LDAPCommunicationError):
        return _("the connection to the directory failed ({what}): {detail}").format(what=what, detail=detail)
    return _("{what} failed: {kind}: {reason}").format(what=what, kind=type(error).__name__, reason=detail)


def _unwrapped(text: str) -> str:
    """ldap3 nests messages in tuple reprs: `("('socket ssl wrapping error: …',)",)` -> the message."""
    while True:
        match = re.fullmatch(r"""\((['"])(.*)\1,\)""", text, re.DOTALL)
        if match is None:
            return text
        text = match.group(2)


def _value_ops(remove: list[str], add: list[str]) -> list[tuple[Any, list[str]]]:
    ops: list[tuple[Any, list[str]]] = []
    if remove:
        ops.append((ldap3.MODIFY_DELETE, remove))
    if add:
        ops.append((ldap3.MODIFY_ADD, add))
    return ops


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)
