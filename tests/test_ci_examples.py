"""The shipped CI pipelines parse, and every balprov command they run exists with those options."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from balprov.cli import cli

REPO = Path(__file__).resolve().parent.parent
PIPELINES = sorted((REPO / "examples" / "ci").glob("*.yml"))
SHELL_STOPS = {">", ">>", "|", "||", "&&", ";", "2>&1"}


def scripts(node: Any) -> list[str]:
    """Every shell line of a workflow or pipeline: GitHub `run:` values and GitLab `script:` items."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "run" and isinstance(value, str):
                found.extend(value.splitlines())
            elif key in ("script", "before_script") and isinstance(value, list):
                found.extend(line for item in value for line in str(item).splitlines())
            else:
                found.extend(scripts(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(scripts(item))
    return found


def balprov_calls(lines: list[str]) -> list[list[str]]:
    calls = []
    for line in lines:
        for match in re.finditer(r"(?:^|[\s(;&|])balprov\s+([^|;&>)]*)", line):
            words = shlex.split(match.group(1))
            calls.append([w for w in words if w not in SHELL_STOPS])
    return calls


def check_call(words: list[str]) -> None:
    command: click.Command = cli
    rest = list(words)
    with click.Context(cli) as ctx:
        while isinstance(command, click.Group):
            name = rest.pop(0)
            sub = command.get_command(ctx, name)
            assert sub is not None, f"balprov has no command {name!r} ({' '.join(words)})"
            command = sub
    options = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
    for word in rest:
        if word.startswith("-"):
            assert word.split("=", 1)[0] in options, f"{' '.join(words)}: no option {word!r}"


def test_there_are_pipelines() -> None:
    assert {p.name for p in PIPELINES} >= {"github-actions.yml", "gitlab-ci.yml"}


@pytest.mark.parametrize("pipeline", PIPELINES, ids=lambda p: p.name)
def test_pipeline_runs_only_existing_commands(pipeline: Path) -> None:
    document = yaml.safe_load(pipeline.read_text(encoding="utf-8"))
    calls = balprov_calls(scripts(document))
    assert calls, "the pipeline runs no balprov command"
    for words in calls:
        check_call(words)


def test_apply_in_pipelines_only_ever_applies_a_saved_plan() -> None:
    for pipeline in PIPELINES:
        for words in balprov_calls(scripts(yaml.safe_load(pipeline.read_text(encoding="utf-8")))):
            if words and words[0] == "apply":
                assert len(words) > 1 and words[1].endswith(".json"), f"{pipeline.name}: {' '.join(words)}"
                assert "--auto-approve" not in words


def test_the_checker_catches_a_wrong_option() -> None:
    with pytest.raises(AssertionError):
        check_call(["plan", "--no-such-option"])
    with pytest.raises(AssertionError):
        check_call(["no-such-command"])
