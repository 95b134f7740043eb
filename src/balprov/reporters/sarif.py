"""SARIF 2.1.0, for code-scanning interfaces (GitHub code scanning, GitLab, IDEs)."""

from __future__ import annotations

import json
from typing import TextIO

from balprov import __version__
from balprov.diagnostics import Severity
from balprov.reporters.base import Reporter
from balprov.rules import RULES
from balprov.validation import ValidationReport

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


class SarifReporter(Reporter):
    name = "sarif"

    def render(self, report: ValidationReport, out: TextIO) -> None:
        rule_index = {slug: index for index, slug in enumerate(RULES)}
        rules = [
            {
                "id": rule.id,
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": rule.doc},
                "defaultConfiguration": {"level": rule.level.value},
            }
            for rule in RULES.values()
        ]
        results = [
            {
                "ruleId": d.rule,
                **({"ruleIndex": rule_index[d.rule]} if d.rule in rule_index else {}),
                "level": "error" if d.severity == Severity.ERROR or self.settings.strict else "warning",
                "message": {"text": d.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": d.file, "uriBaseId": "%SRCROOT%"},
                            "region": {"startLine": d.line, "startColumn": d.column},
                        }
                    }
                ],
            }
            for d in report.diagnostics
        ]
        document = {
            "$schema": SARIF_SCHEMA,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {"driver": {"name": "balprov", "version": __version__, "rules": rules}},
                    "results": results,
                }
            ],
        }
        json.dump(document, out, ensure_ascii=False, indent=2)
        out.write("\n")
