"""Per-file results kept between runs, under `.balprov/cache/`: a file whose bytes were checked before, under
the same schema, rules, severities, operators, day, language and balprov code, is not parsed again.

Content-addressed: an entry is found by the SHA-256 of the file's bytes, never by its name, inside a cache
file named after everything else the result depends on (the *context*). What an entry holds is exactly what
checking the file gives: its diagnostics (without the file name: a renamed file keeps its entry), its summary
for the cross-file rules (name, address) and, for the plan, the normalized reference the plan needs. The
cross-file rules and the plan always run on the whole set, from these results.

Knowing a file's digest without reading it: a stat index (size, mtime, ctime, inode -> digest) as git's own
index does. It is trusted only for files last modified well before the run that recorded them (two seconds,
coarser than any file system's clock): a file changed after it was recorded shows another mtime and ctime
(ctime cannot be set back), so it is read and hashed again. A fresh clone has new inodes: everything is
hashed, and entries are still found by content.

Never trusted blindly: the cache file carries the SHA-256 of its body and its context; a truncated, edited,
foreign or unreadable file counts as empty, an entry of the wrong shape as absent. Entries are plain JSON
(never pickle: a cache restored by CI from a shared store must not be able to run code). Someone who can
write `.balprov/cache/` can still forge a result with a matching checksum: it is trusted like the working
tree it sits in (SECURITY.md); `--no-cache` ignores it. Safe to delete at any time. Written atomically,
0600 (diagnostics and délégataires' names are personal data), the newest few contexts kept.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from balprov import __version__
from balprov.diagnostics import Diagnostic, Severity
from balprov.errors import BalprovError
from balprov.files import write_atomically
from balprov.rules import Summary

FORMAT = 1
CACHE_FOLDER = Path(".balprov") / "cache"
KEEP_CONTEXTS = 4  # cache files kept: validate and plan of today and yesterday
_RACY_NS = 2_000_000_000  # a file modified this close to the run that recorded it is hashed again
_PACKAGE = Path(__file__).resolve().parent.parent
_CACHEDIR_TAG = (  # https://bford.info/cachedir/
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by balprov.\n"
    "# For information about cache directory tags, see https://bford.info/cachedir/\n"
)

# One file's stat, as compared: (size, mtime_ns, ctime_ns, inode, device)
StatKey = tuple[int, int, int, int, int]


def stat_key(result: os.stat_result) -> StatKey:
    return (result.st_size, result.st_mtime_ns, result.st_ctime_ns, result.st_ino, result.st_dev)


def digest_of(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


@dataclass(slots=True)
class Entry:
    """What checking a file's bytes gave: diagnostics as [line, column, rule, severity, message, path]."""

    diagnostics: list[list[Any]]
    summary: tuple[str | None, str | None] | None
    kept: tuple[str, Any] | None = None  # (keep id, the JSON form of what `keep` returned)

    def has_errors(self) -> bool:
        return any(item[3] == Severity.ERROR.value for item in self.diagnostics)

    def diagnostics_for(self, file: str) -> list[Diagnostic]:
        return [
            Diagnostic(file, line, column, rule, Severity(severity), message, path)
            for line, column, rule, severity, message, path in self.diagnostics
        ]

    def summary_for(self, file: str) -> Summary | None:
        return None if self.summary is None else Summary(file, *self.summary)

    @classmethod
    def of(cls, diagnostics: Iterable[Diagnostic], summary: Summary | None, kept: tuple[str, Any] | None) -> Entry:
        return cls(
            [[d.line, d.column, d.rule, d.severity.value, d.message, d.path] for d in diagnostics],
            None if summary is None else (summary.name, summary.address),
            kept,
        )

    def as_json(self) -> list[Any]:
        return [self.diagnostics, None if self.summary is None else list(self.summary), self.kept and list(self.kept)]

    @classmethod
    def from_json(cls, value: Any) -> Entry | None:
        """The entry, or None when anything about its shape is off (it is then recomputed)."""
        # Called for every file of a warm run: exact type tests, the common shapes first.
        if type(value) is not list or len(value) != 3:
            return None
        diagnostics, summary, kept = value
        if type(diagnostics) is not list or (diagnostics and not all(map(_diagnostic_shaped, diagnostics))):
            return None
        if summary is not None and not (
            type(summary) is list
            and len(summary) == 2
            and (summary[0] is None or type(summary[0]) is str)
            and (summary[1] is None or type(summary[1]) is str)
        ):
            return None
        if kept is not None and not (type(kept) is list and len(kept) == 2 and type(kept[0]) is str):
            return None
        return cls(
            diagnostics,
            None if summary is None else (summary[0], summary[1]),
            None if kept is None else (kept[0], kept[1]),
        )


def _diagnostic_shaped(item: Any) -> bool:
    return (
        isinstance(item, list)
        and len(item) == 6
        and type(item[0]) is int
        and type(item[1]) is int
        and all(isinstance(text, str) for text in item[2:])
        and item[3] in (Severity.ERROR.value, Severity.WARNING.value)
    )


def encode(path: str, key: StatKey, digest: str, entry: Entry) -> tuple[str, str] | None:
    """A result as the cache file holds it: (the entry, the path's index item) as JSON text; None when a value
    is not plain JSON (the file is then simply not cached)."""
    # Run in the workers for every file of a cold run: the common entry (no finding, nothing kept) and the
    # index item are put together by hand around json's own string encoder (~1 µs instead of ~6).
    stat_text = ",".join(map(str, key))
    index_item = f'{_string(path)}:[[{stat_text}],"{digest}"]'
    if not entry.diagnostics and entry.kept is None and entry.summary is not None:
        name, address = entry.summary
        summary = f"[{_optional(name)},{_optional(address)}]"
        return f"[[],{summary},null]", index_item
    try:
        return _dumps(entry.as_json()), index_item
    except (TypeError, ValueError):
        return None


_string = json.encoder.encode_basestring  # the C encoder of JSON strings (ensure_ascii=False)


def _optional(text: str | None) -> str:
    return "null" if text is None else _string(text)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _members(encoded_object: str, more: Iterable[str]) -> str:
    """A JSON object's text with more `"key":value` members added."""
    members = [encoded_object[1:-1]] if len(encoded_object) > 2 else []
    members.extend(more)
    return "{" + ",".join(members) + "}"


def code_fingerprint() -> str:
    """balprov's version and the size and time of every file of the installed package: a development
    checkout whose rules change keeps its version number, and must not keep its old results."""
    parts = [__version__]
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix in (".py", ".mo", ".json") and "__pycache__" not in path.parts:
            info = path.stat()
            parts.append(f"{path.relative_to(_PACKAGE).as_posix()}:{info.st_size}:{info.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def context_digest(facts: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(facts, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


@dataclass
class ResultCache:
    folder: Path
    context: str
    entries: dict[str, Entry] = field(default_factory=dict)
    raw_entries: dict[str, Any] = field(default_factory=dict)  # decoded lazily: most runs touch few
    index: dict[str, Any] = field(default_factory=dict)  # path -> [stat, digest], as read: checked when used
    started_ns: int = field(default_factory=time.time_ns)
    recorded_ns: int = 0  # when the run that wrote the index started
    # What this run used or produced, written back by `save`: entries of files no longer there are dropped.
    _used: dict[str, Entry] = field(default_factory=dict)
    _seen: dict[str, tuple[StatKey, str]] = field(default_factory=dict)
    _loaded: int = 0  # entries in the file as read
    memos: dict[str, Any] = field(default_factory=dict)  # rule id -> what it kept last run (rules.ProjectMemo)
    _memos_out: dict[str, Any] = field(default_factory=dict)
    _changed: bool = False  # something was used that the file did not already say
    # Results of files checked in this run, encoded by the worker that checked them (JSON text): the parent
    # only joins them (~40 ms less at 10,000 files than encoding them itself).
    _used_text: dict[str, str] = field(default_factory=dict)  # digest -> entry
    _seen_text: dict[str, str] = field(default_factory=dict)  # path -> its index item, `"path":[[stat],"digest"]`

    @property
    def path(self) -> Path:
        return self.folder / f"validate-{self.context[:32]}.json"

    @classmethod
    def open(cls, folder: Path, context: str) -> ResultCache:
        cache = cls(folder, context)
        try:
            with cache.path.open("rb") as handle:
                raw = handle.read()
            header, _, body = raw.partition(b"\n")
            meta = json.loads(header)
            if (
                not isinstance(meta, dict)
                or meta.get("format") != FORMAT
                or meta.get("context") != context
                or meta.get("sha256") != digest_of(body)
            ):
                return cache
            content = json.loads(body)
        except (OSError, ValueError, UnicodeDecodeError):  # missing, unreadable, truncated: start empty
            return cache
        if not isinstance(content, dict):
            return cache
        entries, index, recorded = content.get("entries"), content.get("index"), content.get("recorded_ns")
        memos = content.get("memos")
        if isinstance(memos, dict):
            cache.memos = memos
        if isinstance(entries, dict):
            cache.raw_entries = entries
            cache._loaded = len(entries)
        if isinstance(index, dict) and type(recorded) is int:
            cache.recorded_ns = recorded
            cache.index = index
        return cache

    def digest_by_stat(self, path: str, key: StatKey) -> str | None:
        """The digest recorded for this path if its stat is unchanged and was stable when recorded."""
        known: Any = self.index.get(path)  # [[size, mtime, ctime, inode, device], digest], as read
        if type(known) is not list or len(known) != 2 or known[0] != list(key) or type(known[1]) is not str:
            return None
        if key[1] >= self.recorded_ns - _RACY_NS:
            return None
        digest: str = known[1]
        return digest

    def entry(self, digest: str) -> Entry | None:
        found = self.entries.get(digest)
        if found is None and digest in self.raw_entries:
            found = Entry.from_json(self.raw_entries.pop(digest))
            if found is not None:
                self.entries[digest] = found
        return found

    def use(self, path: str, key: StatKey | None, digest: str, entry: Entry, *, as_recorded: bool = False) -> None:
        """Keep this entry (and the path's stat) in the cache; `as_recorded`: both came from the index."""
        self._changed = self._changed or not as_recorded
        self._used[digest] = entry
        if key is not None:
            self._seen[path] = (key, digest)

    def use_encoded(self, path: str, digest: str, encoded: tuple[str, str]) -> None:
        """Keep a result encoded by `encode` (a file checked in this run)."""
        self._changed = True
        self._used_text[digest] = encoded[0]
        self._seen_text[path] = encoded[1]

    def remember(self, rule: str, value: Any) -> None:
        """What a cross-file rule keeps for the next run (plain JSON)."""
        self._changed = self._changed or self.memos.get(rule) != value
        self._memos_out[rule] = value

    def save(self) -> None:
        """Write what this run used (atomically, 0600); a cache that cannot be written is not an error.
        Nothing is written when every file was found through the index and none disappeared."""
        if not self._changed and len(self._used) == self._loaded and len(self._seen) == len(self.index):
            return
        try:
            entries = _members(
                _dumps({digest: entry.as_json() for digest, entry in self._used.items()}),
                (f'"{d}":{text}' for d, text in self._used_text.items() if d not in self._used),
            )
            index = _members(
                _dumps({path: [list(key), digest] for path, (key, digest) in self._seen.items()}),
                self._seen_text.values(),
            )
            memos = _dumps(self._memos_out)
        except (TypeError, ValueError):  # a value JSON cannot hold: no cache rather than a wrong one
            return
        text = f'{{"entries":{entries},"index":{index},"recorded_ns":{self.started_ns},"memos":{memos}}}'
        body = text.encode("utf-8")
        header = json.dumps({"format": FORMAT, "context": self.context, "sha256": digest_of(body)}).encode()
        try:
            self._make_folder()
            write_atomically(self.path, header + b"\n" + body, keep_mode=False, durable=False)
            self._prune()
        except (OSError, BalprovError):
            pass  # read-only checkout, full disk: the next run is a cold one, nothing worse

    def _make_folder(self) -> None:
        """The folder, 0700, marked as a cache the way pytest and mypy mark theirs: ignored by git whatever
        the repository's .gitignore says, and skipped by backup tools that read CACHEDIR.TAG."""
        if self.folder.is_dir():
            return
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        (self.folder / ".gitignore").write_text("# Created by balprov: its validation cache, safe to delete.\n*\n")
        (self.folder / "CACHEDIR.TAG").write_text(_CACHEDIR_TAG)

    def _prune(self) -> None:
        files = [p for p in self.folder.glob("validate-*.json") if stat.S_ISREG(p.lstat().st_mode)]
        files.sort(key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in files[KEEP_CONTEXTS:]:
            old.unlink(missing_ok=True)
