"""One file: read, load, schema, per-file rules. Runs in the main process or in a worker."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from balprov.diagnostics import Diagnostic, Severity
from balprov.loading import PositionIndex, Problem, load_yaml
from balprov.rules import RULES, Finding, Rule, RuleContext, Summary
from balprov.validation.schema_check import SchemaCheck

# What a rule may raise when a schema-invalid document gives it a value of the wrong type.
_WRONG_SHAPE = (TypeError, KeyError, AttributeError, ValueError, IndexError)


@dataclass(slots=True)
class FileOutcome:
    file: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    summary: Summary | None = None
    document: Any = None


class FileChecker:
    """Everything needed to check one file, built once per process."""

    def __init__(
        self, severities: dict[str, Severity], context: RuleContext, keep: Callable[[Any, str], Any] | None = None
    ) -> None:
        self.severities = {slug: severities.get(slug, rule.level) for slug, rule in RULES.items()}
        self.context = context
        self.keep = keep
        self.rules: list[Rule] = [
            rule for rule in RULES.values() if rule.check is not None and self.severities[rule.id] != Severity.OFF
        ]
        # (slug, check) pairs: the per-file loop calls them without looking anything up.
        self._checks = [(rule.id, rule.check) for rule in self.rules if rule.check is not None]
        self._schema_on = self.severities["schema"] != Severity.OFF
        overlap = tuple(pattern for rule in RULES.values() for pattern in rule.schema_overlap)
        self.schema = SchemaCheck(overlap)

    def check(self, path: str, display: str) -> FileOutcome:
        outcome = FileOutcome(display)
        try:
            with open(path, "rb") as handle:
                raw = handle.read()
        except OSError as error:
            self._add(outcome, [Problem(1, 1, "yaml-syntax", f"cannot read the file: {error.strerror}")])
            return outcome
        loaded = load_yaml(raw)
        problems = loaded.problems
        document = loaded.data
        if document is not None:
            findings: list[tuple[str, Finding]] = []
            schema_findings = self.schema.findings(document)
            if schema_findings and self._schema_on:
                findings.extend(("schema", finding) for finding in schema_findings)
            context = self.context
            for slug, rule_check in self._checks:
                try:
                    for finding in rule_check(document, context):
                        findings.append((slug, finding))
                except _WRONG_SHAPE:
                    if not schema_findings:
                        raise
            outcome.summary = _summary(display, document)
            if findings:
                index = PositionIndex(loaded.text)
                for slug, finding in findings:
                    line, column = index.locate(finding.path, at_key=finding.at_key)
                    problems.append(Problem(line, column, slug, finding.message, finding.path))
        if problems:
            self._add(outcome, problems)
        # Warnings do not stop a document from being kept: dropping it would make the plan delete its mailbox.
        errors = any(d.severity == Severity.ERROR for d in outcome.diagnostics)
        if self.keep is not None and document is not None and not errors:
            outcome.document = self.keep(document, display)
        return outcome

    def summarize(self, path: str, display: str) -> FileOutcome:
        """Only what the cross-file rules need (name, address): for files read as context."""
        outcome = FileOutcome(display)
        try:
            with open(path, "rb") as handle:
                document = load_yaml(handle.read()).data
        except OSError:
            return outcome
        if document is not None:
            outcome.summary = _summary(display, document)
        return outcome

    def _add(self, outcome: FileOutcome, problems: list[Problem]) -> None:
        for problem in problems:
            severity = self.severities.get(problem.rule, Severity.ERROR)
            if severity != Severity.OFF:
                outcome.diagnostics.append(
                    Diagnostic(
                        outcome.file,
                        problem.line,
                        problem.column,
                        problem.rule,
                        severity,
                        problem.message,
                        problem.path,
                    )
                )


def _summary(display: str, document: Any) -> Summary:
    metadata = document.get("metadata") if isinstance(document, dict) else None
    spec = document.get("spec") if isinstance(document, dict) else None
    name = metadata.get("name") if isinstance(metadata, dict) else None
    address = spec.get("address") if isinstance(spec, dict) else None
    return Summary(display, name if isinstance(name, str) else None, address if isinstance(address, str) else None)
