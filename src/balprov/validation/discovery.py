"""Which files a command reads: the paths named on the command line, folders searched for YAML."""

from __future__ import annotations

import os
from pathlib import Path

from balprov.errors import UsageError

SUFFIXES = (".yaml", ".yml")


def discover(paths: list[Path], root: Path) -> list[tuple[str, str]]:
    """(path to open, path to show relative to `root`) for each file, in a stable order (sorted per
    folder). Named files are taken whatever their suffix; a file named twice is read once."""
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    root_text = str(root)
    for path in paths:
        absolute = os.path.abspath(path)
        if os.path.isfile(absolute):
            candidates = [absolute]
        elif os.path.isdir(absolute):
            candidates = _walk(absolute)
        else:
            raise UsageError(f"{path}: no such file or folder")
        for candidate in candidates:
            if candidate not in seen:
                seen.add(candidate)
                found.append((candidate, _display(candidate, root_text)))
    return found


def _display(path: str, root: str) -> str:
    if path.startswith(root + os.sep):
        return path[len(root) + 1 :].replace(os.sep, "/")
    return os.path.relpath(path, root).replace(os.sep, "/")


def _walk(folder: str) -> list[str]:
    files: list[str] = []
    # Symlinked folders are not followed: a link could lead outside the repository.
    for current, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        files.extend(os.path.join(current, name) for name in sorted(names) if name.endswith(SUFFIXES))
    return files
