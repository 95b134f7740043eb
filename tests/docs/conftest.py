from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from services.required import missing

REPO = Path(__file__).resolve().parents[2]


def require_mkdocs() -> None:
    """Skip without MkDocs (the `docs` extra), except in CI where the site must be built."""
    if importlib.util.find_spec("mkdocs") is None or importlib.util.find_spec("material") is None:
        reason = "mkdocs and mkdocs-material are not installed: pip install -e '.[docs]' to build the site"
        missing(reason, "the documentation build is required")


@pytest.fixture(scope="session")
def gen_reference() -> ModuleType:
    """scripts/gen_reference.py, imported as a module."""
    path = REPO / "scripts" / "gen_reference.py"
    spec = importlib.util.spec_from_file_location("balprov_gen_reference", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
