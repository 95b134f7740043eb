"""The local provider: the operator side in its own SQLite file, idempotent, never taking over a stranger's mailbox."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from balprov.errors import ConfigError
from balprov.project import Operator, Project
from balprov.providers import ProviderError, open_provider
from balprov.providers.local import LocalProvider

OWNER = "6f1c1d4e-0000-4000-8000-000000000001"
STRANGER = "6f1c1d4e-0000-4000-8000-000000000002"
LILAS = "cabinet-des-lilas-93260"
LILAS_AT = "cabinet-des-lilas.93260@demo.mssante.fr"


def definition(name: str = LILAS, address: str = LILAS_AT, **overrides: Any) -> dict[str, Any]:
    value: dict[str, Any] = {
        "name": name,
        "address": address,
        "operator": "demo",
        "displayName": "Cabinet des Lilas",
        "description": None,
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
                "lastName": "Martin",
                "firstName": "Anne",
                "principal": True,
                "authentication": "e-CPS",
            },
            {
                "rpps": "10001045367",
                "lastName": "Bernard",
                "firstName": "Paul",
                "principal": False,
                "authentication": "CPS",
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
                "delegatedBy": ["10107592585"],
                "validFrom": None,
                "validUntil": None,
            },
            {
                "id": "remplacant.durand",
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


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / ".balprov" / "operator-demo.db"


@pytest.fixture
def provider(path: Path) -> Iterator[LocalProvider]:
    with LocalProvider(path, OWNER) as opened:
        assert isinstance(opened, LocalProvider)
        yield opened


def rows(path: Path, query: str, *args: object) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as db:
        return db.execute(query, args).fetchall()


def test_create_then_read_returns_the_definition(provider: LocalProvider, path: Path) -> None:
    body = definition()
    assert provider.create(body) == {"local_id": LILAS_AT}
    assert provider.read(LILAS_AT) == body
    assert provider.read("nobody@demo.mssante.fr") is None
    [(name, display_name, owner, created_at, updated_at)] = rows(
        path, "select name, display_name, owner, created_at, updated_at from mailboxes"
    )
    assert (name, display_name, owner) == (LILAS, "Cabinet des Lilas", OWNER)
    assert created_at == updated_at and created_at.endswith("Z")


def test_holders_and_delegations_are_filled(provider: LocalProvider, path: Path) -> None:
    provider.create(definition())
    assert rows(path, "select address, rpps, principal, authentication from holders order by rpps") == [
        (LILAS_AT, "10001045367", 0, "CPS"),
        (LILAS_AT, "10107592585", 1, "e-CPS"),
    ]
    assert rows(
        path,
        "select address, delegate_id, rpps, rights, valid_from, valid_until from delegations order by delegate_id",
    ) == [
        (LILAS_AT, "claire.dupont", None, "read,send", None, None),
        (LILAS_AT, "remplacant.durand", "10000001015", "read", "2026-12-01", "2027-01-31"),
    ]


def test_create_by_the_same_owner_converges(provider: LocalProvider, path: Path) -> None:
    provider.create(definition())
    again = definition(displayName="Cabinet Les Lilas", delegataires=[])
    assert provider.create(again) == {"local_id": LILAS_AT}
    assert provider.read(LILAS_AT) == again
    assert rows(path, "select count(*) from mailboxes") == [(1,)]
    assert rows(path, "select count(*) from holders") == [(2,)]
    assert rows(path, "select count(*) from delegations") == [(0,)]


def test_a_mailbox_of_another_state_is_never_taken_over(path: Path) -> None:
    with LocalProvider(path, STRANGER) as stranger:
        stranger.create(definition())
    with LocalProvider(path, OWNER) as provider:
        for call in (
            lambda: provider.create(definition(displayName="Mine now")),
            lambda: provider.update(definition(), definition(displayName="Mine now")),
            lambda: provider.delete(definition()),
        ):
            with pytest.raises(ProviderError, match="was not created by this balprov state; refusing to take it over"):
                call()
        assert provider.read(LILAS_AT) == definition()
    assert rows(path, "select owner from mailboxes") == [(STRANGER,)]


def test_update_in_place(provider: LocalProvider, path: Path) -> None:
    provider.create(definition())
    [(created_at,)] = rows(path, "select created_at from mailboxes")
    after = definition(cotitulaires=definition()["cotitulaires"][:1])
    assert provider.update(definition(), after) == {"local_id": LILAS_AT}
    assert provider.read(LILAS_AT) == after
    assert rows(path, "select rpps from holders") == [("10107592585",)]
    assert rows(path, "select created_at from mailboxes") == [(created_at,)]


def test_update_with_an_address_change_moves_the_mailbox(provider: LocalProvider, path: Path) -> None:
    provider.create(definition())
    moved = "cabinet-les-lilas.93260@demo.mssante.fr"
    after = definition(address=moved)
    assert provider.update(definition(), after) == {"local_id": moved}
    assert provider.read(LILAS_AT) is None
    assert provider.read(moved) == after
    assert {row[0] for row in rows(path, "select address from holders")} == {moved}
    assert {row[0] for row in rows(path, "select address from delegations")} == {moved}
    # repeated after a kill between the provider and the state: converges
    assert provider.update(definition(), after) == {"local_id": moved}
    assert rows(path, "select address from mailboxes") == [(moved,)]


def test_update_refuses_to_move_onto_a_strangers_address(path: Path) -> None:
    moved = "cabinet-les-lilas.93260@demo.mssante.fr"
    with LocalProvider(path, STRANGER) as stranger:
        stranger.create(definition("their-mailbox", moved))
    with LocalProvider(path, OWNER) as provider:
        provider.create(definition())
        with pytest.raises(ProviderError, match=f"cannot move a mailbox to {moved}"):
            provider.update(definition(), definition(address=moved))
        assert provider.read(LILAS_AT) == definition()  # nothing changed: one transaction


def test_delete_and_delete_of_a_missing_mailbox(provider: LocalProvider, path: Path) -> None:
    provider.create(definition())
    provider.delete(definition())
    assert provider.read(LILAS_AT) is None
    assert rows(path, "select count(*) from holders") == rows(path, "select count(*) from delegations") == [(0,)]
    provider.delete(definition())  # gone already: fine
    provider.delete(definition("never-created", "never@demo.mssante.fr"))


def test_a_renamed_mailbox_keeping_its_address_survives_the_old_names_delete(provider: LocalProvider) -> None:
    provider.create(definition())
    renamed = definition("cabinet-lilas-93260")
    provider.create(renamed)  # the new name takes the address over (same state)
    provider.delete(definition())  # the old name's delete leaves the address to the new name
    assert provider.read(LILAS_AT) == renamed


def test_a_failure_inside_the_database_is_a_provider_error_and_changes_nothing(
    provider: LocalProvider, path: Path
) -> None:
    with sqlite3.connect(path) as db:
        db.execute("create trigger quota before insert on delegations begin select raise(abort, 'quota exceeded'); end")
    with pytest.raises(ProviderError, match=f"create {LILAS_AT} failed: quota exceeded"):
        provider.create(definition())
    assert provider.read(LILAS_AT) is None
    assert rows(path, "select count(*) from holders") == [(0,)]


def mode(target: Path) -> int:
    return stat.S_IMODE(target.stat().st_mode)


def test_the_file_is_private(path: Path) -> None:
    previous = os.umask(0)
    try:
        with LocalProvider(path, OWNER) as provider:
            provider.create(definition())
            assert mode(path) == mode(path.with_name(path.name + "-wal")) == 0o600
            assert mode(path.with_name(path.name + "-shm")) == 0o600
        assert mode(path.parent) == 0o700
    finally:
        os.umask(previous)


def test_a_file_that_is_not_a_provider_database_is_refused(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not sqlite" * 500)
    with pytest.raises(ProviderError, match=r"garbage\.db"):
        LocalProvider(garbage, OWNER)
    state_like = tmp_path / "state.db"
    with sqlite3.connect(state_like) as db:
        db.execute("create table journal (id integer)")
    with pytest.raises(ProviderError, match="not a local provider database"):
        LocalProvider(state_like, OWNER)


# ---------------------------------------------------------------------------------------------------
# open_provider


def project(root: Path, provider: dict[str, Any]) -> Project:
    return Project(
        root=root,
        config_path=root / "balprov.yaml",
        operators={"demo": Operator("demo", "demo.mssante.fr", provider)},
        cabinets_dir=root / "cabinets",
    )


def test_open_provider_defaults_next_to_the_state(tmp_path: Path) -> None:
    settings = project(tmp_path, {"type": "local"})
    with open_provider(settings.operators["demo"], settings, OWNER) as provider:
        assert isinstance(provider, LocalProvider)
        assert provider.path == tmp_path / ".balprov" / "operator-demo.db"
        assert provider.owner == OWNER


def test_open_provider_takes_a_path_relative_to_the_project(tmp_path: Path) -> None:
    settings = project(tmp_path, {"type": "local", "path": "operators/demo.sqlite"})
    with open_provider(settings.operators["demo"], settings, OWNER) as provider:
        provider.create(definition())
    assert (tmp_path / "operators" / "demo.sqlite").is_file()


def test_an_unknown_provider_type_is_a_config_error_without_its_settings(tmp_path: Path) -> None:
    settings = project(tmp_path, {"type": "zimbra", "password": "s3cret-value"})
    with pytest.raises(ConfigError, match="provider type 'zimbra' is not available") as refused:
        open_provider(settings.operators["demo"], settings, OWNER)
    assert "s3cret-value" not in str(refused.value)
