"""Where the shipped schemas and templates are, in a source checkout and in an installed wheel."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from balprov.i18n import _

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """`schemas` or `templates`: packaged under `_data/` in a wheel, at the repository's top in a checkout."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent.parent / name):
        if candidate.is_dir():
            return candidate
    # a broken installation: the user reads this (and reinstalls), so it is translated like any message
    raise FileNotFoundError(_("balprov's {name}/ folder is missing from the installation").format(name=name))


def schema_path(name: str) -> Path:
    return data_dir("schemas") / name
