"""One file: read, load, schema, per-file rules. Runs in the main process or in a worker."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from balprov.diagnostics import Diagnostic, Severity
from balprov.i18n import _
from balprov.loading import PositionIndex, Problem, load_yaml
from balprov.rules import RULES, Finding, Rule, RuleContext, Summary
from balprov.validation.cache import Entry, ResultCache, StatKey, digest_of, encode, stat_key
from balprov.validation.schema_check import SchemaCheck

# What a rule may raise when a schema-invalid document gives it a value of the wrong type.
_WRONG_SHAPE = (TypeError, KeyError, AttributeError, ValueError, IndexError)


@dataclass(slots=True)
class FileOutcome:
    file: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    summary: Summary | None = None
    document: Any = None
    # With a cache: the SHA-256 of the bytes checked and the file's stat taken before reading them
    digest: str | None = None
    stat: StatKey | None = None
    cached: bool = False  # the result came from the cache (its entry is already there)
    encoded: tuple[str, str] | None = None  # a new result, as the cache file holds it (cache.encode)


class FileChecker:
    """Everything needed to check one file, built once per process."""

    def __init__(
        self,
        severities: dict[str, Severity],
        context: RuleContext,
        keep: Callable[[Any, str], Any] | None = None,
        keep_id: str | None = None,
        keep_check: Callable[[Any], bool] | None = None,
    ) -> None:
        self.severities = {slug: severities.get(slug, rule.level) for slug, rule in RULES.items()}
        self.context = context
        self.keep = keep
        self.keep_id = keep_id  # names what `keep` returns, for the cache (None: not cacheable)
        self.keep_check = keep_check  # whether a kept value read back from the cache has the right shape
        self.cache: ResultCache | None = None  # set by the engine; workers inherit it when they fork
        self.rules: list[Rule] = [
            rule for rule in RULES.values() if rule.check is not None and self.severities[rule.id] != Severity.OFF
        ]
        # (slug, check) pairs: the per-file loop calls them without looking anything up.
        self._checks = [(rule.id, rule.check) for rule in self.rules if rule.check is not None]
        self._schema_on = self.severities["schema"] != Severity.OFF
        overlap = tuple(pattern for rule in RULES.values() for pattern in rule.schema_overlap)
        self.schema = SchemaCheck(overlap)

    def usable(self, entry: Entry) -> bool:
        """Whether a cached entry answers for this run: the plan also needs what `keep` makes of a valid file."""
        if self.keep is None or entry.has_errors():
            return True
        if entry.kept is None or entry.kept[0] != self.keep_id:
            return False
        return self.keep_check is None or self.keep_check(entry.kept[1])

    def from_entry(self, display: str, entry: Entry, digest: str, key: StatKey | None) -> FileOutcome:
        document = entry.kept[1] if self.keep is not None and entry.kept is not None else None
        return FileOutcome(
            display, entry.diagnostics_for(display), entry.summary_for(display), document, digest, key, True
        )

    def summary_from_entry(self, display: str, entry: Entry, digest: str, key: StatKey | None) -> FileOutcome:
        """A context file's outcome (its summary only) from the entry of the same bytes."""
        return FileOutcome(display, [], entry.summary_for(display), None, digest, key, True)

    def entry_of(self, outcome: FileOutcome) -> Entry:
        kept = (self.keep_id, outcome.document) if self.keep_id is not None and outcome.document is not None else None
        return Entry.of(outcome.diagnostics, outcome.summary, kept)

    def check(self, path: str, display: str) -> FileOutcome:
        outcome = FileOutcome(display)
        cache = self.cache
        try:
            raw, key = self._read(path)
        except OSError as error:
            message = _("cannot read the file: {reason}").format(reason=error.strerror)
            self._add(outcome, [Problem(1, 1, "yaml-syntax", message)])
            return outcome
        if cache is not None:
            outcome.digest, outcome.stat = digest_of(raw), key
            entry = cache.entry(outcome.digest)
            if entry is not None and self.usable(entry):
                return self.from_entry(display, entry, outcome.digest, key)
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
        if cache is not None and outcome.digest is not None and outcome.stat is not None:
            outcome.encoded = encode(display, outcome.stat, outcome.digest, self.entry_of(outcome))
        return outcome

    def summarize(self, path: str, display: str) -> FileOutcome:
        """Only what the cross-file rules need (name, address): for files read as context."""
        outcome = FileOutcome(display)
        try:
            raw, key = self._read(path)
        except OSError:
            return outcome
        if self.cache is not None:  # a full check of the same bytes knows the summary
            digest = digest_of(raw)
            entry = self.cache.entry(digest)
            if entry is not None:
                return self.summary_from_entry(display, entry, digest, key)
        document = load_yaml(raw).data
        if document is not None:
            outcome.summary = _summary(display, document)
        return outcome

    def _read(self, path: str) -> tuple[bytes, StatKey | None]:
        """The file's bytes and, with a cache, its stat: taken before reading, so that a change after it
        shows in the next run's stat, never the reverse."""
        with open(path, "rb") as handle:
            key = stat_key(os.fstat(handle.fileno())) if self.cache is not None else None
            return handle.read(), key

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
