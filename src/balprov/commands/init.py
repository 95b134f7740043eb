"""`balprov init [DIR]`: a ready repository of cabinets. Exit 0 created, 1 files in the way, 2 usage error.

Creates `balprov.yaml` (one operator), an example cabinet under `cabinets/`, the JSON Schemas under
`.balprov-schemas/` (so editors check the files; copied, not referenced from the installation, because
balprov's install path differs between machines and CI while the repository is shared), a `.gitignore`
for the state and a `.pre-commit-config.yaml` running `balprov validate`. An existing file is never
replaced without `--force`, except that an identical one is left as it is and a `.gitignore` only gets
the lines it lacks.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from balprov.errors import BalprovError, UsageError
from balprov.i18n import N_, _
from balprov.project import CONFIG_NAME
from balprov.resources import data_dir
from balprov.scaffold.render import render

EXIT_OK = 0
SCHEMA_DIR = ".balprov-schemas"
CABINETS_DIR = "cabinets"
EXAMPLE = f"{CABINETS_DIR}/cabinet-des-lilas-93260.yaml"
GITIGNORE = ".gitignore"
PRE_COMMIT = ".pre-commit-config.yaml"

_OPERATOR_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")
_DOMAIN = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")


class FilesInTheWay(BalprovError):
    """init would replace existing files: exit 1, naming them."""


@dataclass(frozen=True)
class InitCommand:
    cwd: Path
    directory: Path
    operator_id: str = "demo"
    domain: str = "demo.mssante.fr"
    force: bool = False


def _check(command: InitCommand) -> None:
    if not _OPERATOR_ID.fullmatch(command.operator_id):
        raise UsageError(
            _(
                "--operator-id {value!r}: lowercase letters, digits, '_' and '-', starting with a letter or digit "
                "(e.g. demo)"
            ).format(value=command.operator_id)
        )
    if not _DOMAIN.fullmatch(command.domain):
        raise UsageError(
            _("--domain {value!r} is not a lowercase domain name (e.g. demo.mssante.fr)").format(value=command.domain)
        )


def planned_files(command: InitCommand) -> dict[str, str]:
    """What init writes, by path relative to DIR."""
    context = {
        "operator_id": command.operator_id,
        "domain": command.domain,
        "schema_dir": SCHEMA_DIR,
        "cabinets_dir": CABINETS_DIR,
    }
    files = {
        CONFIG_NAME: render("init/balprov.yaml.j2", context),
        EXAMPLE: render("init/cabinet.yaml.j2", context),
        PRE_COMMIT: render("init/pre-commit-config.yaml.j2", context),
    }
    for schema in sorted(data_dir("schemas").glob("*.schema.json")):
        files[f"{SCHEMA_DIR}/{schema.name}"] = schema.read_text(encoding="utf-8")
    return files


def _gitignore_addition(existing: str, wanted: str) -> str:
    """The lines of `wanted` that `existing` lacks (comments go with the line they introduce)."""
    present = {line.strip() for line in existing.splitlines()}
    lines: list[str] = []
    comment: list[str] = []
    for line in wanted.splitlines():
        if line.startswith("#"):
            comment.append(line)
        elif line.strip() and line.strip() not in present:
            lines += [*comment, line]
            comment = []
        else:
            comment = []
    if not lines:
        return ""
    separator = "" if not existing or existing.endswith("\n") else "\n"
    return separator + ("\n" if existing.strip() else "") + "\n".join(lines) + "\n"


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise BalprovError(
            _("{path}: cannot write: {reason}").format(path=path, reason=error.strerror or error)
        ) from None


def run(command: InitCommand, stdout: TextIO | None = None) -> int:
    stdout = stdout or sys.stdout  # looked up per call: tests and callers swap sys.stdout
    _check(command)
    root = command.cwd / command.directory
    if root.exists() and not root.is_dir():
        raise UsageError(_("{path}: exists and is not a folder").format(path=command.directory))
    files = planned_files(command)
    in_the_way = [
        relative for relative, text in files.items() if (root / relative).exists() and _read(root / relative) != text
    ]
    if in_the_way and not command.force:
        raise FilesInTheWay(
            _(
                "{count} file(s) already exist in {folder} and would be replaced: {files}; nothing was written "
                "(pass --force to replace them)"
            ).format(count=len(in_the_way), folder=command.directory, files=", ".join(in_the_way))
        )
    created: list[str] = []
    for relative, text in files.items():
        path = root / relative
        if path.exists() and _read(path) == text:
            continue
        _write(path, text)
        created.append(relative)
    gitignore = root / GITIGNORE
    wanted = render("init/gitignore.j2", {})
    existing = _read(gitignore) if gitignore.exists() else ""
    addition = _gitignore_addition(existing or "", wanted)
    if addition:
        _write(gitignore, (existing or "") + addition)
        created.append(GITIGNORE if not existing else _("{file} (lines added)").format(file=GITIGNORE))
    _report(command, root, created, stdout)
    return EXIT_OK


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


_DESCRIPTIONS = {
    CONFIG_NAME: N_("settings: the operator, the state, rule severities"),
    EXAMPLE: N_("an example cabinet (fiche pratique, case 2)"),
    PRE_COMMIT: N_("runs `balprov validate` before each commit (`pre-commit install`)"),
    GITIGNORE: N_("keeps the state (.balprov/) out of git"),
}


def _report(command: InitCommand, root: Path, created: list[str], out: TextIO) -> None:
    where = command.directory.as_posix() if command.directory != Path(".") else _("the current folder")
    if created:
        ready = _("balprov repository ready in {where} (operator {operator}, {domain}):")
        out.write(ready.format(where=where, operator=command.operator_id, domain=command.domain) + "\n")
        shown = [item for item in created if not item.startswith(SCHEMA_DIR + "/")]
        width = max(len(item) for item in [*shown, SCHEMA_DIR + "/"])
        for item in shown:
            description = _DESCRIPTIONS.get(item.split(" ", 1)[0])
            out.write(f"  {item:<{width}}  {_(description) if description else ''}".rstrip() + "\n")
        if len(shown) < len(created):
            out.write(f"  {SCHEMA_DIR + '/':<{width}}  " + _("the JSON Schemas editors check the files with") + "\n")
    else:
        out.write(_("balprov repository already set up in {where}: nothing to do").format(where=where) + "\n")
    if not command.domain.endswith(".mssante.fr"):
        note = _("Note: {domain} does not end in .mssante.fr, as every MSSanté domain does; check it.")
        out.write(note.format(domain=command.domain) + "\n")
    out.write("\n" + _("Next:") + "\n")
    relative = os.path.relpath(root, command.cwd)
    if relative != ".":
        out.write(f"  cd {_shell_quote(relative)}\n")
    out.write("  balprov validate    # " + _("check the cabinets (the example passes)") + "\n")
    out.write("  balprov plan        # " + _("what apply would create at the operator") + "\n")
    out.write("  balprov apply       # " + _("create it, after showing the plan and asking") + "\n")
    out.write(
        "\n" + _("Then describe your own cabinet with `balprov new` (it asks, or takes flags: see --help).") + "\n"
    )


def _shell_quote(text: str) -> str:
    return text if re.fullmatch(r"[A-Za-z0-9_./-]+", text) else "'" + text.replace("'", "'\\''") + "'"
