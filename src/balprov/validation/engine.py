"""validate: files in, a report out. Per-file work may spread over processes; cross-file rules run last."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from balprov import i18n
from balprov.compiled_schemas import schema_digest
from balprov.diagnostics import Diagnostic, Severity
from balprov.loading import PositionIndex, load_yaml
from balprov.project import Project
from balprov.rules import RULES, ProjectMemo, RuleContext, Summary
from balprov.validation.cache import CACHE_FOLDER, ResultCache, code_fingerprint, context_digest, stat_key
from balprov.validation.discovery import discover
from balprov.validation.file_check import FileChecker, FileOutcome
from balprov.validation.schema_check import CABINET_SCHEMA

# Below this many files a second process costs more than it saves. `bench/validate.py --threshold-only`
# (whole processes, medians of 3, 2 cores, 2026-11-29), -j 1 / -j 2 in seconds: 100 files 0.111/0.119,
# 200 0.126/0.126, 300 0.143/0.140, 400 0.157/0.145, 800 0.225/0.183, 1,600 0.358/0.259.
# The pool costs ~20 ms to start and stop; it pays for itself from ~300 files (files the cache answers for
# do not count: only the files to read are spread).
PARALLEL_THRESHOLD = 300
CHUNK = 250  # files per task: 50 to 500 measure alike at 10,000 files; smaller tasks cost more messages


# Called in the worker that checked a file without problems: what of its document to send back
# (the plan normalizes there, in parallel, instead of shipping raw documents to the parent).
Keep = Callable[[Any, str], Any]


@dataclass(frozen=True)
class ValidateOptions:
    paths: list[Path]
    today: str
    jobs: int = 0  # 0: as many as there are cores, when there are enough files
    keep: Keep | None = None
    # Files read only for the cross-file rules (the rest of the cabinets folder when a few files are
    # named, as pre-commit does): their own problems are not reported, a duplicate involving a named
    # file is.
    context: list[Path] = field(default_factory=list)
    # The parent's own work, run while the workers parse (the plan reads the state then); its result is
    # `ValidationReport.meanwhile`. Run after the workers are forked: no lock or connection is shared.
    meanwhile: Callable[[], Any] | None = None
    # Reuse and keep per-file results under <root>/.balprov/cache/ (validation/cache.py). With `keep`, only
    # when `keep_id` names what it returns (plain JSON values, the same for the same bytes and day).
    cache: bool = False
    keep_id: str | None = None
    keep_check: Callable[[Any], bool] | None = None  # whether a kept value read back from the cache is usable


@dataclass
class ValidationReport:
    files: int
    diagnostics: list[Diagnostic]
    documents: dict[str, Any] = field(default_factory=dict)  # what `keep` returned, for error-free files
    names: dict[str, str] = field(default_factory=dict)  # metadata.name -> file, for every file that has one
    meanwhile: Any = None

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == Severity.WARNING)


def validate(project: Project, options: ValidateOptions) -> ValidationReport:
    refused: dict[str, str] = {}  # links out of the repository, FIFOs…: reported, never opened
    named = discover(options.paths, project.root, refused)
    checked = {path for path, _ in named}
    extra = [item for item in discover(options.context, project.root, refused) if item[0] not in checked]
    work: list[_Work] = [(path, display, True) for path, display in named if path not in refused]
    work += [(path, display, False) for path, display in extra if path not in refused]
    context = RuleContext({op.id: op.domain for op in project.operators.values()}, options.today)
    checker = FileChecker(project.severities, context, options.keep, options.keep_id, options.keep_check)
    if options.cache and (options.keep is None or options.keep_id is not None):
        checker.cache = _open_cache(project, checker)
    jobs = options.jobs or (os.cpu_count() or 1)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # thousands of small dicts kept alive: the cyclic collector would rescan them over and over
    try:
        outcomes: list[FileOutcome | None] = [None] * len(work)
        todo = _from_cache(checker, work, outcomes) if checker.cache is not None else list(range(len(work)))
        pending = [work[i] for i in todo]
        if jobs > 1 and len(pending) >= PARALLEL_THRESHOLD:
            results, side = _in_workers(checker, pending, jobs, options.meanwhile)
        else:
            results = [_one(checker, item) for item in pending]
            side = options.meanwhile() if options.meanwhile is not None else None
        for i, outcome in zip(todo, results, strict=True):
            outcomes[i] = outcome
        done = [outcome for outcome in outcomes if outcome is not None]
        if checker.cache is not None:
            _remember(checker, checker.cache, results)
        # the cross-file rules too: they index every file's address (~0.03 s of collector at 10,000 files)
        report = _report(project, checker, named, refused, work, done, extra, options, side)
        if checker.cache is not None:
            checker.cache.save()
        return report
    finally:
        if gc_was_enabled:
            gc.enable()


def _report(
    project: Project,
    checker: FileChecker,
    named: list[tuple[str, str]],
    refused: dict[str, str],
    work: list[_Work],
    outcomes: list[FileOutcome],
    extra: list[tuple[str, str]],
    options: ValidateOptions,
    side: Any,
) -> ValidationReport:
    diagnostics = [d for outcome in outcomes for d in outcome.diagnostics]
    diagnostics.extend(
        Diagnostic(display, 1, 1, "yaml-syntax", Severity.ERROR, refused[path])
        for path, display in named
        if path in refused
    )
    shown = {display for _, display in named} if extra else None
    diagnostics.extend(_cross_file(outcomes, checker, {display: path for path, display, _ in work}, shown))
    diagnostics.sort()
    documents = {o.file: o.document for o in outcomes if o.document is not None} if options.keep else {}
    names = {o.summary.name: o.file for o in outcomes if o.summary is not None and o.summary.name is not None}
    return ValidationReport(len(named), diagnostics, documents, names, side)


# (path to open, path to show, checked in full: False for a file read only for the cross-file rules)
_Work = tuple[str, str, bool]


def _open_cache(project: Project, checker: FileChecker) -> ResultCache:
    """The cache file for everything a file's result depends on besides its bytes."""
    facts = {
        "code": code_fingerprint(),
        "schema": schema_digest(CABINET_SCHEMA),
        "severities": {slug: severity.value for slug, severity in sorted(checker.severities.items())},
        "operators": checker.context.operators,
        "today": checker.context.today,
        "language": i18n.language(),
    }
    return ResultCache.open(project.root / CACHE_FOLDER, context_digest(facts))


def _from_cache(checker: FileChecker, work: list[_Work], outcomes: list[FileOutcome | None]) -> list[int]:
    """Fills `outcomes` from the cache for files whose stat shows them unchanged; the positions left to read.
    (Files read anyway are still looked up by their digest, in `FileChecker.check`.)"""
    cache = checker.cache
    assert cache is not None
    todo: list[int] = []
    if not cache.index:
        return list(range(len(work)))
    for position, (path, display, full) in enumerate(work):
        try:
            key = stat_key(os.stat(path))
        except OSError:
            todo.append(position)
            continue
        digest = cache.digest_by_stat(display, key)
        entry = cache.entry(digest) if digest is not None else None
        if digest is None or entry is None or (full and not checker.usable(entry)):
            todo.append(position)
        else:
            cache.use(display, key, digest, entry, as_recorded=True)
            outcomes[position] = (
                checker.from_entry(display, entry, digest, key)
                if full
                else checker.summary_from_entry(display, entry, digest, key)
            )
    return todo


def _remember(checker: FileChecker, cache: ResultCache, outcomes: list[FileOutcome]) -> None:
    """Records the results of the files read in this run (found by content or new); the files found through
    the stat index were recorded as they were found."""
    for outcome in outcomes:
        if outcome.digest is None:
            continue
        if outcome.cached:
            entry = cache.entry(outcome.digest)
            if entry is not None:
                cache.use(outcome.file, outcome.stat, outcome.digest, entry)
        elif outcome.encoded is not None:  # a full check (a context file's summary is never new to the cache)
            cache.use_encoded(outcome.file, outcome.digest, outcome.encoded)


def _one(checker: FileChecker, item: _Work) -> FileOutcome:
    path, display, full = item
    return checker.check(path, display) if full else checker.summarize(path, display)


_WORKER: FileChecker | None = None

# What a worker sends back for one file: plain tuples pickle ~8x faster than the dataclasses.
_Packed = tuple[
    str,
    list[Diagnostic],
    tuple[str | None, str | None] | None,
    Any,
    str | None,
    tuple[int, ...] | None,
    bool,
    tuple[str, str] | None,
]


def _check_chunk(chunk: list[_Work]) -> list[_Packed]:
    assert _WORKER is not None
    gc.disable()
    packed: list[_Packed] = []
    for item in chunk:
        outcome = _one(_WORKER, item)
        summary = outcome.summary
        packed.append(
            (
                outcome.file,
                outcome.diagnostics,
                None if summary is None else (summary.name, summary.address),
                outcome.document,
                outcome.digest,
                outcome.stat,
                outcome.cached,
                outcome.encoded,
            )
        )
    return packed


def _in_workers(
    checker: FileChecker, work: list[_Work], jobs: int, meanwhile: Callable[[], Any] | None
) -> tuple[list[FileOutcome], Any]:
    global _WORKER
    checker.schema.load()
    _WORKER = checker  # inherited by the forked workers: compiled validators cannot be pickled
    size = max(1, min(CHUNK, len(work) // (jobs * 4) or 1))
    chunks = [work[i : i + size] for i in range(0, len(work), size)]
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        results = pool.imap(_check_chunk, chunks)
        side = meanwhile() if meanwhile is not None else None
        outcomes = [
            FileOutcome(
                file,
                diagnostics,
                None if summary is None else Summary(file, *summary),
                document,
                digest,
                stat,  # type: ignore[arg-type]
                cached,
                encoded,
            )
            for result in results
            for file, diagnostics, summary, document, digest, stat, cached, encoded in result
        ]
    return outcomes, side


def _cross_file(
    outcomes: list[FileOutcome], checker: FileChecker, paths: dict[str, str], shown: set[str] | None
) -> list[Diagnostic]:
    """Cross-file rules over every file read; with `shown`, only the problems that involve one of them."""
    # In path order, whatever order the files were read in: "the later file" is the later path.
    summaries = sorted((o.summary for o in outcomes if o.summary is not None), key=lambda summary: summary.file)
    diagnostics: list[Diagnostic] = []
    indexes: dict[str, PositionIndex] = {}
    cache = checker.cache
    fresh = frozenset(o.file for o in outcomes if not o.cached) if cache is not None else frozenset()
    for rule in RULES.values():
        severity = checker.severities[rule.id]
        if rule.check_project is None or severity == Severity.OFF:
            continue
        if cache is not None and rule.remembers:
            memo = ProjectMemo(cache.memos.get(rule.id), fresh)
            found_by_rule = list(rule.check_project(summaries, memo=memo))
            cache.remember(rule.id, memo.result)
        else:
            found_by_rule = list(rule.check_project(summaries))
        for found in found_by_rule:
            if shown is not None and found.file not in shown and found.related not in shown:
                continue
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
