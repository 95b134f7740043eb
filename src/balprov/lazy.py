"""Modules imported on first use, so that a command pays only for what it runs."""

from __future__ import annotations

import importlib
from typing import Any


class LazyModule:
    """Stands for the module `name` and imports it on the first attribute looked up."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        return getattr(importlib.import_module(self._name), attribute)


def lazy_module(name: str) -> Any:
    return LazyModule(name)
