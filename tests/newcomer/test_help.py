"""Every command's --help shows a worked example; --version answers."""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest

from balprov import __version__
from balprov.cli import cli

from .conftest import Run


def commands(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from commands(command, (*prefix, name))
        else:
            yield (*prefix, name)


@pytest.mark.parametrize("path", list(commands(cli)), ids=" ".join)
def test_every_command_help_has_an_example(run: Run, path: tuple[str, ...]) -> None:
    result = run(*path, "--help")
    assert result.code == 0, result.err
    assert "Example:" in result.out, result.out
    example = result.out.split("Example:", 1)[1]
    assert f"balprov {' '.join(path)}" in example or f"balprov {path[0]}" in example


def test_the_new_commands_are_listed(run: Run) -> None:
    result = run("--help")
    for name in ("init", "new", "report"):
        assert f"  {name} " in result.out


def test_version(run: Run) -> None:
    result = run("--version")
    assert result.code == 0
    assert result.out.strip() == f"balprov, version {__version__}"
