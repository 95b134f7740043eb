"""Which files a command reads: the paths named on the command line, folders searched for YAML."""

from __future__ import annotations

import os
from pathlib import Path

from balprov.errors import UsageError
from balprov.i18n import N_, _

SUFFIXES = (".yaml", ".yml")
# More files than this in one run is a mistake (a folder of generated files, a loop of links): say so
# before reading any of them. The largest known deployment has ~100,000 cabinets.
MAX_FILES = 200_000


def discover(paths: list[Path], root: Path, refused: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(path to open, path to show relative to `root`) for each file, in a stable order (sorted per
    folder). Named files are taken whatever their suffix; a file named twice is read once.

    A path that must not be read is still listed, so that it is reported rather than silently skipped
    (skipping a cabinet file would make the plan delete its mailbox); why it is refused goes to `refused`:
    a symbolic link (to a file or a folder) inside `root` that leads outside it, or something that is not
    a regular file (a FIFO named `x.yaml` would block the run)."""
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    reasons: dict[str, str] = {}
    root_text = str(root)
    for path in paths:
        absolute = os.path.abspath(path)
        if escapes(absolute, root_text):
            candidates = [absolute]
            reasons[absolute] = _(_LINK_OUT)
        elif os.path.isfile(absolute):
            candidates = [absolute]
        elif os.path.isdir(absolute):
            candidates = _walk(absolute, root_text, reasons)
        elif os.path.exists(absolute):
            candidates = [absolute]
            reasons[absolute] = _(_NOT_A_FILE)
        else:
            raise UsageError(_("{path}: no such file or folder").format(path=path))
        for candidate in candidates:
            if candidate not in seen:
                seen.add(candidate)
                found.append((candidate, _display(candidate, root_text)))
        if len(found) > MAX_FILES:
            raise UsageError(
                _("more than {limit:,} files to read in {path}; the limit is {limit:,} per run").format(
                    limit=MAX_FILES, path=path
                )
            )
    if refused is not None:
        refused.update(reasons)
    return found


# translated where they are stored in `reasons` (the language is known by then)
_LINK_OUT = N_("symbolic link to a place outside the repository: not read")
_NOT_A_FILE = N_("not a regular file: not read")


def _display(path: str, root: str) -> str:
    if path.startswith(root + os.sep):
        shown = path[len(root) + 1 :].replace(os.sep, "/")
    else:
        shown = os.path.relpath(path, root).replace(os.sep, "/")
    try:
        shown.encode("utf-8")
    except UnicodeEncodeError:  # a name that is not UTF-8 (its bytes decoded as surrogates): show them as \xNN
        shown = shown.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return shown


def _walk(folder: str, root: str, reasons: dict[str, str]) -> list[str]:
    """The YAML files under `folder`, folder by folder (files first, then sub-folders, each sorted).

    Symlinked folders are not followed: a link could lead outside the repository. A link (to a file or
    a folder) that does lead outside is still listed, with its reason, so that validate reports it."""
    files: list[str] = []
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError:
        return files
    folders: list[str] = []
    for entry in entries:
        if entry.name.startswith(".") and entry.is_dir(follow_symlinks=False):
            continue
        if entry.is_symlink():  # free: the folder listing says so
            if escapes(entry.path, root):
                files.append(entry.path)
                reasons[entry.path] = _(_LINK_OUT)
            elif entry.name.endswith(SUFFIXES) and not entry.is_dir():
                files.append(entry.path)
                if not entry.is_file():
                    reasons[entry.path] = _(_NOT_A_FILE)
        elif entry.is_dir(follow_symlinks=False):
            folders.append(entry.path)
        elif entry.name.endswith(SUFFIXES):
            files.append(entry.path)
            if not entry.is_file(follow_symlinks=False):
                reasons[entry.path] = _(_NOT_A_FILE)
    for sub in folders:
        files.extend(_walk(sub, root, reasons))
    return files


def escapes(path: str, root: str) -> bool:
    """Whether `path`, inside the repository by its name, is (or goes through) a symbolic link to a place
    outside it. Such a path is never read: a pull request could add `cabinets/x.yaml -> /etc/shadow`."""
    real_root = os.path.realpath(root)
    if not (_inside(path, root) or _inside(path, real_root)):
        return False  # named on the command line from outside the repository: the caller chose it
    return not _inside(os.path.realpath(path), real_root)


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)
