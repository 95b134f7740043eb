"""validate: files in, a report out. Per-file work may spread over processes; cross-file rules run last."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from balprov.diagnostics import Diagnostic, Severity
from balprov.loading import PositionIndex, load_yaml
from balprov.project import Project
from balprov.rules import RULES, RuleContext
from balprov.validation.discovery import discover
from balprov.validation.file_check import FileChecker, FileOutcome

# Below this many files a second process costs more than it saves (bench/validate.py measures it).
PARALLEL_THRESHOLD = 400
CHUNK = 250


@dataclass(frozen=True)
class ValidateOptions:
    paths: list[Path]
    today: str
    jobs: int = 0  # 0: as many as there are cores, when there are enough files
    keep_documents: bool = False


@dataclass
class ValidationReport:
    files: int
    diagnostics: list[Diagnostic]
    documents: dict[str, Any] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == Severity.WARNING)


def validate(project: Project, options: ValidateOptions) -> ValidationReport:
    work = discover(options.paths, project.root)
    context = RuleContext({op.id: op.domain for op in project.operators.values()}, options.today)
    checker = FileChecker(project.severities, context, options.keep_documents)
    jobs = options.jobs or (os.cpu_count() or 1)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # thousands of small dicts kept alive: the cyclic collector would rescan them over and over
    try:
        if jobs > 1 and len(work) >= PARALLEL_THRESHOLD:
            outcomes = list(_in_workers(checker, work, jobs))
        else:
            outcomes = [checker.check(path, display) for path, display in work]
    finally:
        if gc_was_enabled:
            gc.enable()
    diagnostics = [d for outcome in outcomes for d in outcome.diagnostics]
    diagnostics.extend(_cross_file(outcomes, checker, {display: path for path, display in work}))
    diagnostics.sort()
    documents = {o.file: o.document for o in outcomes if o.document is not None} if options.keep_documents else {}
    return ValidationReport(len(work), diagnostics, documents)


_WORKER: FileChecker | None = None


def _check_chunk(chunk: list[tuple[str, str]]) -> list[FileOutcome]:
    assert _WORKER is not None
    gc.disable()
    return [_WORKER.check(path, display) for path, display in chunk]


def _in_workers(checker: FileChecker, work: list[tuple[str, str]], jobs: int) -> Iterator[FileOutcome]:
    global _WORKER
    _WORKER = checker  # inherited by the forked workers: compiled validators cannot be pickled
    size = max(1, min(CHUNK, len(work) // (jobs * 4) or 1))
    chunks = [work[i : i + size] for i in range(0, len(work), size)]
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        for result in pool.imap(_check_chunk, chunks):
            yield from result


def _cross_file(outcomes: list[FileOutcome], checker: FileChecker, paths: dict[str, str]) -> list[Diagnostic]:
    summaries = [o.summary for o in outcomes if o.summary is not None]
    diagnostics: list[Diagnostic] = []
    indexes: dict[str, PositionIndex] = {}
    for rule in RULES.values():
        severity = checker.severities[rule.id]
        if rule.check_project is None or severity == Severity.OFF:
            continue
        for found in rule.check_project(summaries):
            if found.file not in indexes:  # rare: re-read only the files that have a cross-file problem
                indexes[found.file] = PositionIndex(_read_text(paths[found.file]))
            line, column = indexes[found.file].locate(found.finding.path, at_key=found.finding.at_key)
            diagnostics.append(
                Diagnostic(found.file, line, column, rule.id, severity, found.finding.message, found.finding.path)
            )
    return diagnostics


def _read_text(path: str) -> str:
    with open(path, "rb") as handle:
        return load_yaml(handle.read()).text
