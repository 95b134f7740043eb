"""Where the shipped schemas and templates are, in a source checkout and in an installed wheel."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """`schemas` or `templates`: packaged under `_data/` in a wheel, at the repository's top in a checkout."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"balprov's {name}/ folder is missing from the installation")


def schema_path(name: str) -> Path:
    return data_dir("schemas") / name
