"""Files changed since a git ref, for `--changed-since REF`: a pull request's check reads what it touched."""

from __future__ import annotations

import subprocess
from pathlib import Path

from balprov.errors import UsageError
from balprov.i18n import _
from balprov.validation.discovery import SUFFIXES


def _git(root: Path, *args: str) -> list[str]:
    try:
        result = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise UsageError(_("--changed-since needs git: {error}").format(error=error)) from None
    if result.returncode != 0:
        message = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else _("git failed")
        raise UsageError(_("--changed-since: {message}").format(message=message))  # git's own words after the colon
    return [name for name in result.stdout.split("\0") if name]


def changed_since(root: Path, ref: str, folder: Path) -> list[Path]:
    """YAML files under `folder` added, modified or renamed since `ref` (committed or not), and new
    files git does not ignore; in path order."""
    if ref.startswith("-"):
        raise UsageError(_("--changed-since: {ref!r} is not a git ref").format(ref=ref))
    changed = _git(root, "diff", "--name-only", "-z", "--relative", "--diff-filter=ACMRT", ref, "--", str(folder))
    untracked = _git(root, "ls-files", "-z", "--others", "--exclude-standard", "--", str(folder))
    names = sorted({*changed, *untracked})
    return [root / name for name in names if name.endswith(SUFFIXES) and (root / name).is_file()]
