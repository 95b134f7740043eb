"""Fixtures of the Annuaire Santé tests: the in-process CLI on a copy of the shipped examples, applied."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from apply.conftest import Result, Run, project, run  # the shared `project` and `run` fixtures
from balprov.identifiers import idnat_ps
from balprov.planning.normalize import digest
from balprov.project import load_project
from balprov.state import AppliedChange
from balprov.state.open import open_state

__all__ = ["Result", "Run", "project", "run"]

TODAY = "2026-11-29"
REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests" / "golden" / "annuaire"


@pytest.fixture
def applied(run: Run, project: Path) -> Path:
    """The shipped examples, applied to the copy's embedded state (7 mailboxes)."""
    result = run("apply", "--auto-approve", "--today", TODAY)
    assert result.code == 0, result.err
    return project


Record = Callable[[dict[str, Any]], None]


@pytest.fixture
def record(project: Path) -> Iterator[Record]:
    """Put a normalized definition straight into the project's state, as apply would record it."""
    with open_state(load_project(None, project)) as state:

        def put(definition: dict[str, Any]) -> None:
            principal = next(c["rpps"] for c in definition["cotitulaires"] if c["principal"])
            state.record(
                AppliedChange(
                    name=definition["name"],
                    address=definition["address"],
                    action="create",
                    definition=definition,
                    digest=digest(definition),
                    provider_ids={},
                    accountable=principal,
                    actor="test",
                    host="test",
                    git_commit=None,
                    plan_id=None,
                )
            )

        yield put


def definition(name: str, *holders: str, delegates: tuple[str, ...] = (), liste_rouge: bool = False) -> dict[str, Any]:
    """A small normalized definition: `holders` are RPPS (the first the principal), `delegates` RPPS too."""
    return {
        "name": name,
        "address": f"{name}@demo.mssante.fr",
        "operator": "demo",
        "displayName": f"Cabinet {name}",
        "description": None,
        "listeRouge": liste_rouge,
        "structure": {
            "type": "cabinet-medical",
            "name": f"Cabinet {name}",
            "addressLines": ["1 rue de la Paix"],
            "postalCode": "75002",
            "city": "Paris",
        },
        "usage": "Comptes rendus.\n",
        "cotitulaires": [
            {
                "rpps": rpps,
                "civility": None,
                "lastName": f"Nom{index}",
                "firstName": f"Prénom{index}",
                "profession": {"code": "10", "label": "Médecin"},
                "specialty": None,
                "principal": index == 0,
                "authentication": "e-CPS",
                "nominatedBy": None,
            }
            for index, rpps in enumerate(holders)
        ],
        "delegataires": [
            {
                "id": f"delegate.{index}",
                "rpps": rpps,
                "lastName": "Remplaçant",
                "firstName": "Jean",
                "role": "Médecin remplaçant",
                "rights": ["read", "send"],
                "delegatedBy": [holders[0]],
                "validFrom": None,
                "validUntil": None,
            }
            for index, rpps in enumerate(delegates)
        ],
    }


def row(address: str, rpps: str | None, kind: str = "CAB") -> str:
    """One extraction line (31 columns) of a mailbox published with the holder `rpps`."""
    fields = [""] * 31
    fields[0], fields[1] = kind, address
    if rpps is not None:
        fields[2], fields[3], fields[4] = "8", rpps, idnat_ps(rpps)
    fields[9], fields[10], fields[27] = "DUPONT", "Jean", "75002 PARIS"
    return "|".join(fields)


def load_json(text: str) -> Any:
    return json.loads(text)
