"""The ldap provider against a real slapd: create, read, update, delete, idempotency, ownership, escaping.

The mapping's pure parts (DN escaping, rendering, reading drift back, settings) are tested without a
server at the top; everything else runs against the session's slapd (tests/services/slapd.py), each
test in its own branch of the directory.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from balprov.errors import ConfigError
from balprov.planning.diff import diff_definitions
from balprov.project import Operator, Project
from balprov.providers import ProviderError, open_provider
from balprov.providers.ldap import LdapProvider, LdapSettings, ldap_settings
from balprov.providers.ldap_mapping import (
    DRIFT_KEY,
    Bound,
    LdapMapping,
    MappingError,
    dn_key,
    escape_rdn,
    reconstruct,
    split_dn,
)
from services.slapd import Slapd, Writes

OWNER = "6f1c1d4e-0000-4000-8000-000000000001"
STRANGER = "6f1c1d4e-0000-4000-8000-000000000002"
LILAS_AT = "cabinet-des-lilas.93260@demo.mssante.fr"
OPERATOR = Operator("demo", "demo.mssante.fr", {"type": "ldap"})
BASE = "ou=t,dc=balprov,dc=test"


def definition(**overrides: Any) -> dict[str, Any]:
    value: dict[str, Any] = {
        "name": "cabinet-des-lilas-93260",
        "address": LILAS_AT,
        "operator": "demo",
        "displayName": "Cabinet des Lilas",
        "description": "Cabinet médical de groupe",
        "listeRouge": False,
        "structure": {
            "type": "cabinet-medical",
            "name": "Cabinet des Lilas",
            "addressLines": ["12 rue de Paris"],
            "postalCode": "93260",
            "city": "Les Lilas",
        },
        "usage": "Comptes rendus, résultats d'examens.\n",
        "cotitulaires": [
            {
                "rpps": "10107592585",
                "civility": "DR",
                "lastName": "Martin",
                "firstName": "Anne",
                "profession": {"code": "10", "label": "Médecin"},
                "specialty": None,
                "principal": True,
                "authentication": "e-CPS",
                "nominatedBy": None,
            },
            {
                "rpps": "10001045367",
                "civility": None,
                "lastName": "Bernard",
                "firstName": "Paul",
                "profession": {"code": "10", "label": "Médecin"},
                "specialty": None,
                "principal": False,
                "authentication": "CPS",
                "nominatedBy": "10107592585",
            },
        ],
        "delegataires": [
            {
                "id": "claire.dupont",
                "rpps": None,
                "lastName": "Dupont",
                "firstName": "Claire",
                "role": "Secrétaire médicale",
                "rights": ["read", "send"],
                "delegatedBy": ["10107592585", "10001045367"],
                "validFrom": None,
                "validUntil": None,
            },
            {
                "id": "lea.durand",
                "rpps": "10000001015",
                "lastName": "Durand",
                "firstName": "Léa",
                "role": "Remplaçante",
                "rights": ["read"],
                "delegatedBy": ["10107592585"],
                "validFrom": "2026-12-01",
                "validUntil": "2027-01-31",
            },
        ],
    }
    value.update(overrides)
    return value


def root_dn(base: str, address: str = LILAS_AT) -> str:
    return f"mail={escape_rdn(address)},ou=bal,{base}"


# =====================================================================================================
# Without a server: DNs, the rendered mapping, reading back


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("plain", "plain"),
        ("a,b", "a\\,b"),
        ("a+b=c", "a\\+b\\=c"),
        ("back\\slash", "back\\\\slash"),
        ("#hash", "\\#hash"),
        ("mid#hash", "mid#hash"),
        (" lead", "\\ lead"),
        ("trail ", "trail\\ "),
        (" ", "\\ "),
        ('q"<>;', 'q\\"\\<\\>\\;'),
        ("nul\x00", "nul\\00"),
    ],
)
def test_escape_rdn(value: str, escaped: str) -> None:
    assert escape_rdn(value) == escaped
    [[(kind, parsed)]] = split_dn(f"uid={escaped}")
    assert (kind, parsed) == ("uid", value)


def test_an_empty_rdn_value_is_refused() -> None:
    with pytest.raises(MappingError, match="empty value"):
        escape_rdn("")


def test_dn_keys_match_the_servers_rewritten_form() -> None:
    assert dn_key("cn=a\\,b\\+c,OU=X, dc=test") == dn_key("CN=a\\2Cb\\2Bc,ou=x,dc=test")
    assert dn_key("cn=L\\C3\\A9a,dc=test") == dn_key("cn=léa,dc=test")
    assert dn_key("cn=a+sn=b,dc=t") == dn_key("sn=B+cn=A,dc=t")
    assert len(dn_key("cn=a\\,ou=evil,dc=t")) == 2
    for bad in ("", "cn", "=x", "cn=a,", "cn=a\\", "cn=a,bad", "c n=x"):
        with pytest.raises(ValueError):
            dn_key(bad)


def mapping(templates: Path | None = None) -> LdapMapping:
    return LdapMapping(templates, BASE, "description", {"id": "demo", "domain": "demo.mssante.fr"})


def test_the_default_mapping() -> None:
    rendered = mapping().render(definition())
    root = root_dn(BASE)
    assert rendered.root.dn == root
    assert [entry.dn for entry in rendered.containers] == [f"ou=bal,{BASE}"]
    assert set(rendered.entries) == {
        dn_key(dn)
        for dn in (
            root,
            f"ou=cotitulaires,{root}",
            f"uid=10107592585,ou=cotitulaires,{root}",
            f"uid=10001045367,ou=cotitulaires,{root}",
            f"cn=cotitulaires,{root}",
            f"ou=delegataires,{root}",
            f"uid=claire.dupont,ou=delegataires,{root}",
            f"uid=lea.durand,ou=delegataires,{root}",
            f"cn=delegataires,{root}",
        )
    }
    entries = {entry.dn: entry.attributes for entry in rendered.entries.values()}
    assert entries[root]["mail"] == [LILAS_AT]
    assert entries[root]["displayname"] == ["Cabinet des Lilas"]
    assert entries[f"cn=cotitulaires,{root}"]["owner"] == [f"uid=10107592585,ou=cotitulaires,{root}"]
    assert len(entries[f"cn=cotitulaires,{root}"]["member"]) == 2
    lea = entries[f"uid=lea.durand,ou=delegataires,{root}"]
    assert lea["businesscategory"] == ["read"]
    assert lea["description"] == ["validFrom=2026-12-01", "validUntil=2027-01-31"]
    assert lea["employeenumber"] == ["810000001015"]
    assert lea["seealso"] == [f"uid=10107592585,ou=cotitulaires,{root}"]
    claire = entries[f"uid=claire.dupont,ou=delegataires,{root}"]
    assert claire["description"] == [] and claire["employeenumber"] == []  # managed, kept absent


def test_user_data_cannot_inject_attributes_entries_or_dns() -> None:
    hostile = definition(
        address="x,ou=admins+cn=evil=1\\#@demo.mssante.fr",
        displayName='Evil"\n    userPassword: pwned\n  "cn=root,dc=x":',
    )
    hostile["delegataires"][0]["id"] = " #a,uid=admin+cn=x\\"
    rendered = mapping().render(hostile)
    root = rendered.root
    assert split_dn(root.dn)[0] == [("mail", "x,ou=admins+cn=evil=1\\#@demo.mssante.fr")]
    assert root.key[1:] == dn_key(f"ou=bal,{BASE}")
    assert root.attributes["displayname"] == [hostile["displayName"]]
    assert "userpassword" not in root.attributes
    delegate = next(e for e in rendered.entries.values() if e.attributes.get("uid") == [" #a,uid=admin+cn=x\\"])
    assert split_dn(delegate.dn)[0] == [("uid", " #a,uid=admin+cn=x\\")]
    assert delegate.key[1:] == dn_key("ou=delegataires," + root.dn)
    assert all(len(entry.key) <= len(root.key) + 2 for entry in rendered.entries.values())


def override(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "templates" / "ldap"
    folder.mkdir(parents=True)
    (folder / "mailbox.yaml.j2").write_text(body, encoding="utf-8")
    return tmp_path / "templates"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('entries:\n  "cn=x,dc=elsewhere":\n    objectClass: [person]\n', "not under the provider's baseDN"),
        (
            'entries:\n  {{ "cn=a," ~ base_dn }}:\n    objectClass: [x]\n  {{ "cn=b," ~ base_dn }}:\n'
            "    objectClass: [x]\n",
            "is not under the mailbox's root entry",
        ),
        ('entries:\n  {{ "cn=a," ~ base_dn }}:\n    cn: [a]\n', "has no objectClass"),
        ('entries:\n  {{ "cn=a," ~ base_dn }}:\n    objectClass: [x]\n    description: ["balprov:x"]\n', "kept for"),
        ("entries: {{ mailbox.nope }}\n", "UndefinedError"),
        ("entries: [{% if %}]\n", "template syntax error"),
        ('entries:\n  "cn=a,{{ base_dn }}": {}\n', "not valid YAML"),
        ("entries:\n  a: &x [1]\n  b: *x\n", "aliases are not allowed"),
        ("entries: {{ mailbox.structure }}\n", "a mapping as a value"),
        ("{{ ''.__class__ }}", "SecurityError|UndefinedError"),
    ],
)
def test_a_broken_template_is_a_clear_config_error(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(MappingError, match=message) as refused:
        mapping(override(tmp_path, body)).render(definition())
    assert "templates/ldap/mailbox.yaml.j2 for cabinet-des-lilas.93260@demo.mssante.fr" in str(refused.value)


def test_plain_scalars_stay_strings(tmp_path: Path) -> None:
    body = 'entries:\n  {{ "cn=a," ~ base_dn }}:\n    objectClass: [x]\n    ou: [no, 2026-12-01, 0123, ~]\n'
    rendered = mapping(override(tmp_path, body)).render(definition())
    assert rendered.root.attributes["ou"] == ["no", "2026-12-01", "0123"]


def found_of(rendered: Any) -> dict[Any, dict[str, list[str]]]:
    return {key: {k: [str(v) for v in vs] for k, vs in e.attributes.items()} for key, e in rendered.entries.items()}


def test_reading_back_unchanged_gives_the_definition() -> None:
    rendered = mapping().render(definition())
    assert reconstruct(definition(), rendered, found_of(rendered), "description") == definition()


def test_reading_back_maps_changed_values_onto_their_fields() -> None:
    rendered = mapping().render(definition())
    found = found_of(rendered)
    root = root_dn(BASE)
    found[dn_key(f"uid=claire.dupont,ou=delegataires,{root}")]["businesscategory"] = ["send"]
    found[dn_key(f"uid=lea.durand,ou=delegataires,{root}")]["description"] = ["validFrom=2026-12-01"]
    found[dn_key(f"uid=10001045367,ou=cotitulaires,{root}")]["sn"] = ["Bernard-Hand"]
    actual = reconstruct(definition(), rendered, found, "description")
    changes = {a.path: (a.before, a.after) for a in diff_definitions(definition(), actual)}
    assert changes == {
        "cotitulaires[10001045367].lastName": ("Bernard", "Bernard-Hand"),
        "delegataires[claire.dupont].rights": (["read", "send"], ["send"]),
        "delegataires[lea.durand].validUntil": ("2027-01-31", None),
    }


def test_what_no_field_explains_is_reported_as_the_directory_holds_it() -> None:
    rendered = mapping().render(definition())
    found = found_of(rendered)
    root = root_dn(BASE)
    group = dn_key(f"cn=cotitulaires,{root}")
    found[group]["member"] = [*found[group]["member"][:1], "uid=intruder,dc=x"]
    del found[dn_key(f"uid=lea.durand,ou=delegataires,{root}")]
    found[dn_key(root)]["cn"] = ["Changed cn only"]  # displayName, bound to the same field, did not change
    actual = reconstruct(definition(), rendered, found, "description")
    assert {k: v for k, v in actual.items() if k != DRIFT_KEY} == definition()
    assert actual[DRIFT_KEY] == {
        f"cn=cotitulaires,{root}": {
            "member": {"missing": [f"uid=10001045367,ou=cotitulaires,{root}"], "unexpected": ["uid=intruder,dc=x"]}
        },
        f"uid=lea.durand,ou=delegataires,{root}": "missing",
        root: {"cn": {"missing": ["Cabinet des Lilas"], "unexpected": ["Changed cn only"]}},
    }


def test_bound_strings_lose_their_binding_when_transformed() -> None:
    bound = Bound("abc", ("displayName",))
    assert not isinstance(bound.upper(), Bound)
    assert not isinstance(bound + "x", Bound)
    assert str(bound) == "abc" and type(str(bound)) is str


# -- settings ------------------------------------------------------------------------------------------


def project_with(tmp_path: Path, provider: dict[str, Any]) -> Project:
    return Project(
        root=tmp_path,
        config_path=tmp_path / "balprov.yaml",
        operators={"demo": Operator("demo", "demo.mssante.fr", provider)},
        cabinets_dir=tmp_path / "cabinets",
    )


SECRET = "Zq9-FAKE-bind-secret-7731"


def settings_error(tmp_path: Path, **provider: Any) -> str:
    raw = {"type": "ldap", "url": "ldap://127.0.0.1:1", "bindDN": "cn=a,dc=t", "baseDN": "dc=t", **provider}
    raw = {key: value for key, value in raw.items() if value is not None}
    settings = project_with(tmp_path, raw)
    with pytest.raises(ConfigError) as refused:
        open_provider(settings.operators["demo"], settings, OWNER)
    assert SECRET not in str(refused.value)
    return str(refused.value)


def test_settings_errors_are_clear_and_never_echo_the_password(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BALPROV_TEST_MISSING", raising=False)
    monkeypatch.setenv("BALPROV_TEST_EMPTY", "")
    assert "exactly one of password" in settings_error(tmp_path)
    assert "exactly one of password" in settings_error(tmp_path, password=SECRET, passwordEnv="X")
    assert "BALPROV_TEST_MISSING is not set" in settings_error(tmp_path, passwordEnv="BALPROV_TEST_MISSING")
    assert "anonymous bind" in settings_error(tmp_path, password="")
    assert "anonymous bind" in settings_error(tmp_path, passwordEnv="BALPROV_TEST_EMPTY")
    assert "must be a string" in settings_error(tmp_path, password=12345)
    assert "must not carry credentials" in settings_error(tmp_path, password="x", url=f"ldap://u:{SECRET}@h")
    assert "ldap:// or ldaps://" in settings_error(tmp_path, password="x", url="http://h")
    assert "startTLS applies to ldap://" in settings_error(tmp_path, password="x", url="ldaps://h", startTLS=True)
    assert "provider.bindDN must be" in settings_error(tmp_path, password="x", bindDN=None)
    assert "baseDN is not a valid DN" in settings_error(tmp_path, password="x", baseDN="nonsense")
    assert "timeout must be" in settings_error(tmp_path, password="x", timeout=0)
    assert "timeout must be" in settings_error(tmp_path, password="x", timeout=1.5)
    assert "unknown ldap setting(s) bindDn" in settings_error(tmp_path, password="x", bindDn="cn=x")
    assert "tlsCAFile" in settings_error(tmp_path, password="x", tlsCAFile="missing.pem")


def test_settings_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BALPROV_TEST_LDAP_PW", SECRET)
    for raw in ({"passwordEnv": "BALPROV_TEST_LDAP_PW"}, {"password": SECRET}):
        provider = {"type": "ldap", "url": "ldaps://dir.example:1636/", "bindDN": "cn=a,dc=t", "baseDN": "dc=t", **raw}
        settings = ldap_settings(project_with(tmp_path, provider).operators["demo"], project_with(tmp_path, provider))
        assert settings.password == SECRET
        assert (settings.host, settings.port, settings.use_ssl, settings.url) == (
            "dir.example",
            1636,
            True,
            "ldaps://dir.example:1636",
        )
        assert SECRET not in repr(settings)


# =====================================================================================================
# Against a real slapd


@pytest.fixture
def base(slapd: Slapd) -> str:
    return slapd.new_base()


def settings_for(slapd: Slapd, base: str, **changes: Any) -> LdapSettings:
    values: dict[str, Any] = {
        "url": slapd.url,
        "host": "127.0.0.1",
        "port": slapd.port,
        "use_ssl": False,
        "start_tls": False,
        "bind_dn": slapd.root_dn,
        "base_dn": base,
        "timeout": 5,
        "marker_attribute": "description",
        "ca_file": None,
        "password": slapd.root_password,
    }
    values.update(changes)
    return LdapSettings(**values)


Factory = Callable[..., LdapProvider]


@pytest.fixture
def make(slapd: Slapd, base: str) -> Iterator[Factory]:
    opened: list[LdapProvider] = []

    def factory(owner: str = OWNER, adopt: bool = False, templates: Path | None = None, **changes: Any) -> LdapProvider:
        provider = LdapProvider(settings_for(slapd, base, **changes), owner, OPERATOR, templates, adopt=adopt)
        opened.append(provider)
        return provider

    yield factory
    for provider in opened:
        provider.close()


@pytest.fixture
def provider(make: Factory) -> LdapProvider:
    return make()


def test_create_writes_the_entries_and_read_gives_the_definition_back(
    provider: LdapProvider, slapd: Slapd, base: str, writes: Writes
) -> None:
    root = root_dn(base)
    assert provider.create(definition()) == {"ldap_dn": root}
    assert [op for op, _ in writes.take()] == ["add"] * 10  # ou=bal + 9 entries
    held = slapd.search(f"ou=bal,{base}")
    assert len(held) == 10
    entry = held[root]
    assert entry["mail"] == [LILAS_AT]
    assert entry["displayName"] == ["Cabinet des Lilas"]
    assert f"balprov:owner={OWNER}" in entry["description"]
    assert f"balprov:address={LILAS_AT}" in entry["description"]
    assert "Cabinet médical de groupe" in entry["description"]
    group = held[f"cn=cotitulaires,{root}"]
    assert group["owner"] == [f"uid=10107592585,ou=cotitulaires,{root}"]
    assert held[f"uid=claire.dupont,ou=delegataires,{root}"]["businessCategory"] == ["read", "send"]
    assert held[f"uid=lea.durand,ou=delegataires,{root}"]["description"] == [
        "validFrom=2026-12-01",
        "validUntil=2027-01-31",
    ]
    assert provider.read(LILAS_AT) == definition()
    assert provider.read("nobody@demo.mssante.fr") is None


def test_create_again_sends_nothing_and_converges_a_changed_definition(
    provider: LdapProvider, slapd: Slapd, base: str, writes: Writes
) -> None:
    provider.create(definition())
    writes.take()
    provider.create(definition())  # a rerun after a kill between the provider and the state
    assert writes.take() == []
    again = definition(displayName="Cabinet Les Lilas", delegataires=[])
    provider.create(again)
    sent = writes.take()
    assert {op for op, _ in sent} == {"modify", "delete"}
    assert provider.read(LILAS_AT) == again
    assert not slapd.search(base, "(uid=claire.dupont)")


def test_update_sends_only_the_values_that_changed(
    provider: LdapProvider, slapd: Slapd, base: str, writes: Writes
) -> None:
    provider.create(definition())
    writes.take()
    before = definition()
    after = copy.deepcopy(before)
    after["delegataires"][0]["rights"] = ["read"]  # rights
    del after["delegataires"][1]  # a délégataire removed
    for holder in after["cotitulaires"]:  # the principal changes
        holder["principal"] = not holder["principal"]
    provider.update(before, after)
    root = root_dn(base)
    sent = writes.take()
    assert sorted(sent) == sorted(
        [
            ("modify", f"uid=claire.dupont,ou=delegataires,{root}"),
            ("modify", f"uid=10107592585,ou=cotitulaires,{root}"),
            ("modify", f"uid=10001045367,ou=cotitulaires,{root}"),
            ("modify", f"cn=cotitulaires,{root}"),
            ("modify", f"cn=delegataires,{root}"),
            ("delete", f"uid=lea.durand,ou=delegataires,{root}"),
            ("modify", root),  # balprov's record of the definition, last
        ]
    )
    assert sent[-1] == ("modify", root)
    held = slapd.search(root)
    assert held[f"uid=claire.dupont,ou=delegataires,{root}"]["businessCategory"] == ["read"]
    assert held[f"cn=cotitulaires,{root}"]["owner"] == [f"uid=10001045367,ou=cotitulaires,{root}"]
    assert held[f"cn=delegataires,{root}"]["member"] == [f"uid=claire.dupont,ou=delegataires,{root}"]
    assert f"uid=lea.durand,ou=delegataires,{root}" not in held
    assert provider.read(LILAS_AT) == after
    provider.update(before, after)  # repeated: converged already
    assert writes.take() == []


def test_an_address_change_moves_the_subtree(provider: LdapProvider, slapd: Slapd, base: str) -> None:
    provider.create(definition())
    moved = "cabinet-les-lilas.93260@demo.mssante.fr"
    after = definition(address=moved)
    assert provider.update(definition(), after) == {"ldap_dn": root_dn(base, moved)}
    assert provider.read(LILAS_AT) is None
    assert provider.read(moved) == after
    assert not slapd.search(root_dn(base))
    provider.update(definition(), after)  # after a kill between the provider and the state: converges
    assert len(slapd.search(f"ou=bal,{base}", "(mail=*)", scope="one")) == 1


def test_delete_removes_the_subtree_and_a_missing_mailbox_is_fine(
    provider: LdapProvider, slapd: Slapd, base: str
) -> None:
    provider.create(definition())
    slapd.add(f"dn: cn=added-by-hand,{root_dn(base)}\nobjectClass: organizationalRole\ncn: added-by-hand\n")
    provider.delete(definition())
    assert list(slapd.search(f"ou=bal,{base}")) == [f"ou=bal,{base}"]
    provider.delete(definition())
    provider.delete(definition(name="never", address="never@demo.mssante.fr"))


def test_a_renamed_mailbox_keeping_its_address_survives_the_old_names_delete(provider: LdapProvider) -> None:
    provider.create(definition())
    renamed = definition(name="cabinet-lilas-93260")
    provider.create(renamed)
    provider.delete(definition())
    assert provider.read(LILAS_AT) == renamed


def test_escaped_dns_reach_the_server_as_one_component(provider: LdapProvider, slapd: Slapd, base: str) -> None:
    hostile = definition(address="x,ou=admins+cn=evil=1\\#@demo.mssante.fr")
    hostile["delegataires"][0]["id"] = " #a,uid=admin+cn=x\\ "
    hostile["delegataires"][0]["lastName"] = 'Dupont"\nuserPassword: pwned'
    provider.create(hostile)
    held = slapd.search(f"ou=bal,{base}")
    roots = [dn for dn in held if len(split_dn(dn)) == len(split_dn(base)) + 2]
    assert [split_dn(dn)[0] for dn in roots] == [[("mail", hostile["address"])]]
    delegates = slapd.search(f"ou=bal,{base}", "(objectClass=inetOrgPerson)", "uid", "sn", "userPassword")
    claire = next(attrs for attrs in delegates.values() if attrs.get("uid") == [" #a,uid=admin+cn=x\\ "])
    assert claire["sn"] == ['Dupont"\nuserPassword: pwned'] and "userPassword" not in claire
    assert not slapd.search(base, "(|(ou=admins)(uid=admin)(cn=evil*))")
    assert provider.read(hostile["address"]) == hostile


def test_a_hand_change_is_read_back_as_drift(provider: LdapProvider, slapd: Slapd, base: str) -> None:
    provider.create(definition())
    root = root_dn(base)
    slapd.modify(f"dn: {root}\nchangetype: modify\nreplace: displayName\ndisplayName: Changed by hand\n")
    slapd.modify(
        f"dn: cn=delegataires,{root}\nchangetype: modify\ndelete: member\n"
        f"member: uid=lea.durand,ou=delegataires,{root}\n"
    )
    actual = provider.read(LILAS_AT)
    assert actual is not None
    changes = {a.path: (a.before, a.after) for a in diff_definitions(definition(), actual)}
    assert changes["displayName"] == ("Cabinet des Lilas", "Changed by hand")
    assert changes[DRIFT_KEY][1] == {
        f"cn=delegataires,{root}": {"member": {"missing": [f"uid=lea.durand,ou=delegataires,{root}"]}}
    }
    provider.update(actual, definition())  # what apply does from `plan --refresh`
    assert provider.read(LILAS_AT) == definition()


def test_a_foreign_entry_is_never_taken_over_without_adopt(make: Factory, slapd: Slapd, base: str) -> None:
    root = root_dn(base)
    slapd.add(f"dn: ou=bal,{base}\nobjectClass: organizationalUnit\nou: bal\n")
    slapd.add(
        f"dn: {root}\nobjectClass: inetOrgPerson\nobjectClass: labeledURIObject\nmail: {LILAS_AT}\ncn: Old\n"
        "sn: Old\nlabeledURI: https://platform.example/lilas\n"
    )
    provider = make()
    for call in (
        lambda: provider.create(definition()),
        lambda: provider.update(definition(), definition(displayName="Mine now")),
        lambda: provider.delete(definition()),
    ):
        with pytest.raises(ProviderError, match="already exists in the directory and was not created by balprov") as e:
            call()
        assert "--adopt" in str(e.value)
    assert slapd.search(root, scope="base")[root]["cn"] == ["Old"]
    assert provider.read(LILAS_AT) is None  # not balprov's: not found by address

    adopting = make(adopt=True)
    adopting.create(definition())
    held = slapd.search(root, scope="base")[root]
    assert held["cn"] == ["Cabinet des Lilas"]
    assert set(held["objectClass"]) >= {"labeledURIObject", "inetOrgPerson", "top"}  # its own classes kept
    assert held["labeledURI"] == ["https://platform.example/lilas"]  # what the mapping does not manage stays
    assert f"balprov:owner={OWNER}" in held["description"]
    assert make().read(LILAS_AT) == definition()  # ours from now on


def test_another_states_mailbox_is_refused(make: Factory) -> None:
    make(owner=STRANGER).create(definition())
    provider = make()
    with pytest.raises(ProviderError, match=f"was created by another balprov state \\(lineage {STRANGER}\\)"):
        provider.create(definition(displayName="Mine now"))
    assert provider.read(LILAS_AT) == definition()


def test_an_unreachable_directory(make: Factory) -> None:
    from services.slapd import free_port

    provider = make(port=free_port(), url="ldap://127.0.0.1:1", password=SECRET, timeout=2)
    with pytest.raises(ProviderError, match="cannot reach the directory") as refused:
        provider.create(definition())
    assert SECRET not in str(refused.value)


def test_a_refused_bind(make: Factory) -> None:
    provider = make(password=SECRET)
    with pytest.raises(ProviderError, match=r"bind as cn=admin,dc=balprov,dc=test refused .*invalidCredentials \(49\)"):
        provider.read(LILAS_AT)


def test_a_template_writing_outside_base_dn_changes_nothing(
    make: Factory, tmp_path: Path, slapd: Slapd, base: str, writes: Writes
) -> None:
    templates = override(tmp_path, 'entries:\n  "cn=admin,dc=balprov,dc=test":\n    objectClass: [person]\n')
    with pytest.raises(MappingError, match="not under the provider's baseDN"):
        make(templates=templates).create(definition())
    assert writes.take() == []


def test_a_timeout_is_a_clear_error_and_the_next_call_reconnects(tmp_path: Path) -> None:
    from services.slapd import SlapdUnavailable, launch, unavailable

    try:
        private = launch(tmp_path / "slapd")
    except SlapdUnavailable as error:
        unavailable(str(error))
        return
    try:
        base = private.new_base()
        provider = LdapProvider(settings_for(private, base, timeout=1), OWNER, OPERATOR, None)
        provider.create(definition())
        private.pause()
        with pytest.raises(ProviderError, match=r"did not answer within 1s \(search under "):
            provider.update(definition(), definition(displayName="During the outage"))
        private.resume()
        provider.update(definition(), definition(displayName="During the outage"))
        assert provider.read(LILAS_AT) == definition(displayName="During the outage")
        provider.close()
    finally:
        private.stop()


def test_a_changed_template_is_drift_and_the_next_update_moves_the_mailbox(
    make: Factory, tmp_path: Path, slapd: Slapd, base: str
) -> None:
    make().create(definition())
    shipped = (Path(__file__).resolve().parents[2] / "templates" / "ldap" / "mailbox.yaml.j2").read_text("utf-8")
    assert '{% set container = "ou=bal," ~ base_dn %}' in shipped
    ours = shipped.replace('"ou=bal," ~ base_dn', '"ou=boites," ~ base_dn').replace("ou: [bal]", "ou: [boites]")
    provider = make(templates=override(tmp_path, ours))
    actual = provider.read(LILAS_AT)
    assert actual is not None
    assert actual[DRIFT_KEY][f"mail={LILAS_AT},ou=boites,{base}"] == "missing"
    provider.update(actual, definition())  # what apply does from `plan --refresh`
    assert provider.read(LILAS_AT) == definition()
    assert list(slapd.search(f"ou=bal,{base}")) == [f"ou=bal,{base}"]  # the old entries are gone
    assert len(slapd.search(f"ou=boites,{base}")) == 10


@pytest.fixture(scope="module")
def tls_slapd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Slapd]:
    from services.slapd import SlapdUnavailable, launch, unavailable

    try:
        server = launch(tmp_path_factory.mktemp("slapd-tls"), tls=True)
    except SlapdUnavailable as error:
        unavailable(str(error))
        raise
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize("mode", ["startTLS", "ldaps"])
def test_tls_with_the_operators_ca(
    mode: str, tls_slapd: Slapd, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writes: Writes
) -> None:
    assert tls_slapd.ca_file is not None
    (tmp_path / "ca.pem").write_bytes(tls_slapd.ca_file.read_bytes())
    monkeypatch.setenv("BALPROV_TEST_LDAP_PW", tls_slapd.root_password)
    base = tls_slapd.new_base()
    raw = {
        "type": "ldap",
        "url": tls_slapd.url if mode == "startTLS" else tls_slapd.ldaps_url,
        "startTLS": mode == "startTLS",
        "bindDN": tls_slapd.root_dn,
        "passwordEnv": "BALPROV_TEST_LDAP_PW",
        "baseDN": base,
        "tlsCAFile": "ca.pem",
    }
    settings = project_with(tmp_path, raw)
    with open_provider(settings.operators["demo"], settings, OWNER) as provider:
        provider.create(definition())
        assert provider.read(LILAS_AT) == definition()
    assert writes.take()
    del raw["tlsCAFile"]  # the system's authorities do not know the test CA
    raw["password"] = SECRET
    del raw["passwordEnv"]
    with open_provider(settings.operators["demo"], settings, OWNER) as provider:
        with pytest.raises(
            ProviderError, match=r"TLS with the directory failed \(connect\): .*CERTIFICATE_VERIFY_FAILED"
        ) as refused:
            provider.read(LILAS_AT)
        assert SECRET not in str(refused.value)
