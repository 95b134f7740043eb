"""desired_from: light references from the workers become full definitions, never unchecked ones."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from balprov.planning.make import ChangedWhilePlanning, desired_from, desired_ref
from balprov.state import MailboxRecord, StateSnapshot

REPO = Path(__file__).resolve().parents[2]
TODAY = "2026-11-29"
FILE = "cabinets/cabinet-des-lilas.yaml"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "cabinets").mkdir()
    shutil.copy(REPO / FILE, tmp_path / FILE)
    return tmp_path


def snapshot_with(definition: dict[str, Any] | None, digest: str = "") -> StateSnapshot:
    mailboxes = {}
    if definition is not None:
        record = MailboxRecord(definition["name"], definition["address"], definition, digest, {}, "", "", "", None)
        mailboxes[definition["name"]] = record
    return StateSnapshot("lineage", 1, mailboxes)


def test_an_unchanged_mailbox_reuses_the_recorded_definition(root: Path, lilas: dict[str, Any]) -> None:
    ref = desired_ref(lilas, FILE, TODAY)
    recorded = {"name": ref[0], "address": "recorded@demo.mssante.fr"}  # the very object must be reused
    [item] = desired_from([(FILE, ref)], snapshot_with(recorded, ref[1]), root, TODAY).values()
    assert item.definition is recorded and item.digest == ref[1]


def test_a_new_mailbox_is_read_again_and_checked(root: Path, lilas: dict[str, Any]) -> None:
    ref = desired_ref(lilas, FILE, TODAY)
    [item] = desired_from([(FILE, ref)], snapshot_with(None), root, TODAY).values()
    assert item.definition["address"] == "cabinet-des-lilas.93260@demo.mssante.fr"


def test_a_file_changed_after_validation_is_refused(root: Path, lilas: dict[str, Any]) -> None:
    ref = desired_ref(lilas, FILE, TODAY)
    path = root / FILE
    path.write_text(path.read_text(encoding="utf-8").replace("Claire", "Mallory"), encoding="utf-8")
    with pytest.raises(ChangedWhilePlanning, match="changed while balprov was planning"):
        desired_from([(FILE, ref)], snapshot_with(None), root, TODAY)


def test_a_file_gone_or_broken_after_validation_is_refused(root: Path, lilas: dict[str, Any]) -> None:
    ref = desired_ref(lilas, FILE, TODAY)
    (root / FILE).write_text("spec: [\n", encoding="utf-8")
    with pytest.raises(ChangedWhilePlanning):
        desired_from([(FILE, ref)], snapshot_with(None), root, TODAY)
    (root / FILE).unlink()
    with pytest.raises(ChangedWhilePlanning, match="cannot be read again"):
        desired_from([(FILE, ref)], snapshot_with(None), root, TODAY)
