from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def lilas() -> dict[str, Any]:
    """The cabinet médical example (fiche case 2) as loaded plain values; a fresh copy per test."""
    text = (REPO / "cabinets" / "cabinet-des-lilas.yaml").read_text(encoding="utf-8")
    document: dict[str, Any] = yaml.load(text, Loader=yaml.CSafeLoader)
    # The loader keeps dates as text; so do these tests.
    return copy.deepcopy(document)
