"""How validate's diagnostics are shown: one class per format, registered by name (check-jsonschema's way)."""

from __future__ import annotations

from balprov.reporters.base import Reporter, ReporterSettings
from balprov.reporters.github import GithubReporter
from balprov.reporters.json_ import JsonReporter
from balprov.reporters.junit import JunitReporter
from balprov.reporters.sarif import SarifReporter
from balprov.reporters.text import TextReporter

REPORTERS: dict[str, type[Reporter]] = {
    cls.name: cls for cls in (TextReporter, JsonReporter, GithubReporter, JunitReporter, SarifReporter)
}

__all__ = ["REPORTERS", "Reporter", "ReporterSettings"]
