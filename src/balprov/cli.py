"""The command line: click parses options into typed values and hands them to `balprov.commands`."""

from __future__ import annotations

import datetime
import os
import sys
from pathlib import Path
from typing import Any

import click

from balprov import __version__
from balprov.commands import rules as rules_command
from balprov.commands import validate as validate_command
from balprov.errors import BalprovError
from balprov.project import load_project

EXIT_INTERNAL = 70  # a bug in balprov, never bad input (see --debug)

VALIDATE_FORMATS = ("text", "json", "github", "junit", "sarif", "auto")


def _color(option: bool | None) -> bool:
    if option is not None:
        return option
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def _today(value: datetime.datetime | None) -> str:
    return (value.date() if value else datetime.date.today()).isoformat()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    type=click.Path(path_type=Path, dir_okay=False),
    help="balprov.yaml to use (default: found in the current folder or a parent).",
)
@click.option("--debug", is_flag=True, help="Show Python tracebacks of internal errors.")
@click.version_option(__version__, prog_name="balprov")
@click.pass_context
def cli(ctx: click.Context, config: Path | None, debug: bool) -> None:
    """MSSanté BAL Cabinet mailboxes as code: validate, plan, apply, publish.

    \b
    Example:
      balprov validate                 # every file under cabinets/
      balprov validate --format json cabinets/lilas.yaml
    """
    ctx.obj = {"config": config, "debug": debug}


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(VALIDATE_FORMATS),
    default="text",
    show_default=True,
    help="Output format; auto = github inside GitHub Actions, text elsewhere.",
)
@click.option("--strict", is_flag=True, help="Warnings count as errors for the exit code.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Date the expiry rules compare with.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0, help="Worker processes (0: one per core).")
@click.option("--color/--no-color", default=None, help="Colour the text output (default: on a terminal).")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write the report here.")
@click.pass_obj
def validate(
    obj: dict[str, Any],
    paths: tuple[Path, ...],
    output_format: str,
    strict: bool,
    today: datetime.datetime | None,
    jobs: int,
    color: bool | None,
    output: Path | None,
) -> int:
    """Check cabinet files against the schema and the BAL Cabinet rules.

    Exit status: 0 no error (warnings allowed), 1 errors found, 2 usage or configuration error.

    \b
    Example:
      balprov validate --strict --format github cabinets/
    """
    if output_format == "auto":
        output_format = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    command = validate_command.ValidateCommand(
        config=obj["config"],
        cwd=Path.cwd(),
        paths=list(paths),
        format=output_format,
        strict=strict,
        today=_today(today),
        jobs=jobs,
        color=_color(color) and output is None,
        output=output,
    )
    return validate_command.run(command)


@cli.command(name="rules")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def rules_(obj: dict[str, Any], output_format: str) -> int:
    """List the rules with their severity in this project.

    \b
    Example:
      balprov rules --format json
    """
    try:
        severities = load_project(obj["config"], Path.cwd()).severities
    except BalprovError:
        severities = {}  # outside a project: the defaults
    return rules_command.list_rules(severities, output_format)


@cli.command()
@click.argument("slug")
def explain(slug: str) -> int:
    """Print a rule's documentation, with a passing and a failing example.

    \b
    Example:
      balprov explain rpps-checksum
    """
    return rules_command.explain(slug)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    try:
        code = cli.main(args=args, prog_name="balprov", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        code = 1
    except click.ClickException as error:
        error.show()
        code = error.exit_code
    except BalprovError as error:
        click.echo(f"balprov: {error}", err=True)
        code = error.exit_code
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (| head): nothing more to say
        code = 1
    except KeyboardInterrupt:
        code = 130
    except Exception as error:
        if "--debug" in args:
            raise
        click.echo(f"balprov: internal error: {type(error).__name__}: {error}", err=True)
        click.echo("This is a bug in balprov; rerun with --debug to see the traceback.", err=True)
        code = EXIT_INTERNAL
    sys.exit(code if isinstance(code, int) else 0)
