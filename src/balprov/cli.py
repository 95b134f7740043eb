"""The command line: click parses options into typed values and hands them to `balprov.commands`."""

from __future__ import annotations

import datetime
import os
import sys
from pathlib import Path
from typing import Any, ClassVar

import click

from balprov import __version__
from balprov.commands import apply as apply_command
from balprov.commands import plan as plan_command
from balprov.commands import rules as rules_command
from balprov.commands import state as state_command
from balprov.commands import validate as validate_command
from balprov.errors import BalprovError
from balprov.project import load_project

EXIT_INTERNAL = 70  # a bug in balprov, never bad input (see --debug)

VALIDATE_FORMATS = ("text", "json", "github", "junit", "sarif", "auto")


class Duration(click.ParamType):  # type: ignore[type-arg]  # generic only in recent click
    """Seconds, or a number with a unit: 30s, 5m, 1h."""

    name = "duration"
    _UNITS: ClassVar[dict[str, int]] = {"s": 1, "m": 60, "h": 3600}

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        if isinstance(value, int | float):
            return float(value)
        text = str(value).strip().lower()
        unit = self._UNITS.get(text[-1:], None)
        number = text[:-1] if unit else text
        try:
            seconds = float(number) * (unit or 1)
        except ValueError:
            self.fail(f"{value!r} is not a duration (examples: 0, 30s, 5m)", param, ctx)
        if seconds < 0:
            self.fail("a duration cannot be negative", param, ctx)
        return seconds


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


PLAN_FORMATS = ("text", "json", "markdown")
_today_option = click.option(
    "--today", type=click.DateTime(["%Y-%m-%d"]), help="Day the delegations' validity windows are evaluated for."
)


@cli.command()
@click.option("--format", "output_format", type=click.Choice(PLAN_FORMATS), default="text", show_default=True)
@click.option(
    "-o", "--out", "out_file", type=click.Path(path_type=Path, dir_okay=False), help="Save the plan for apply."
)
@click.option("--detailed-exitcode", is_flag=True, help="Exit 0 without changes, 2 with changes, 1 on error.")
@click.option("--refresh", is_flag=True, help="Read the operator back first and report drift.")
@click.option("--color/--no-color", default=None, help="Colour the text output (default: on a terminal).")
@_today_option
@click.pass_obj
def plan(
    obj: dict[str, Any],
    output_format: str,
    out_file: Path | None,
    detailed_exitcode: bool,
    refresh: bool,
    color: bool | None,
    today: datetime.datetime | None,
) -> int:
    """Diff the definitions against the state and show what apply would change.

    Read-only: it never takes the state's lock.

    \b
    Example:
      balprov plan -o plan.json --format markdown > plan.md
    """
    command = plan_command.PlanCommand(
        config=obj["config"],
        cwd=Path.cwd(),
        today=_today(today),
        format=output_format,
        out_file=out_file,
        detailed_exitcode=detailed_exitcode,
        refresh=refresh,
        color=_color(color),
    )
    return plan_command.run(command)


@cli.command()
@click.argument("plan_file", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--auto-approve", is_flag=True, help="Apply without asking for confirmation.")
@click.option("--allow-delete", is_flag=True, help="Allow the plan to delete mailboxes.")
@click.option("--continue-on-error", is_flag=True, help="Go on with the other mailboxes after a failure.")
@click.option("--lock-timeout", type=Duration(), default="0s", show_default=True, help="How long to wait for the lock.")
@click.option("--color/--no-color", default=None, help="Colour the text output (default: on a terminal).")
@_today_option
@click.pass_obj
def apply(
    obj: dict[str, Any],
    plan_file: Path | None,
    auto_approve: bool,
    allow_delete: bool,
    continue_on_error: bool,
    lock_timeout: float,
    color: bool | None,
    today: datetime.datetime | None,
) -> int:
    """Apply a saved plan exactly, or plan and apply after confirmation.

    Exit status: 0 applied, 1 error (nothing changed), 3 partly applied (the state holds exactly what
    succeeded; run apply again to converge).

    \b
    Example:
      balprov plan -o plan.json && balprov apply plan.json
    """
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    command = apply_command.ApplyCommand(
        config=obj["config"],
        cwd=Path.cwd(),
        today=_today(today),
        plan_file=plan_file,
        auto_approve=auto_approve,
        allow_delete=allow_delete,
        continue_on_error=continue_on_error,
        lock_timeout=lock_timeout,
        color=_color(color),
        confirm=(lambda question: click.confirm(question, default=False)) if interactive else None,
    )
    return apply_command.run(command)


@cli.group()
def state() -> None:
    """What the state holds: applied mailboxes and the journal of changes."""


_state_format = click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True
)


@state.command(name="list")
@_state_format
@click.pass_obj
def state_list(obj: dict[str, Any], output_format: str) -> int:
    """List the applied mailboxes.

    \b
    Example:
      balprov state list --format json
    """
    return state_command.list_mailboxes(obj["config"], Path.cwd(), output_format)


@state.command(name="show")
@click.argument("name")
@_state_format
@click.pass_obj
def state_show(obj: dict[str, Any], name: str, output_format: str) -> int:
    """Show one applied mailbox as recorded.

    \b
    Example:
      balprov state show cabinet-des-lilas-93260
    """
    return state_command.show_mailbox(obj["config"], Path.cwd(), name, output_format)


@state.command(name="history")
@click.argument("name", required=False)
@_state_format
@click.pass_obj
def state_history(obj: dict[str, Any], name: str | None, output_format: str) -> int:
    """The journal of applied changes, oldest first (one mailbox's with NAME).

    \b
    Example:
      balprov state history cabinet-des-lilas-93260
    """
    return state_command.history(obj["config"], Path.cwd(), name, output_format)


@cli.command(name="force-unlock")
@click.argument("lock_id")
@click.pass_obj
def force_unlock(obj: dict[str, Any], lock_id: str) -> int:
    """Remove a stuck state lock (after checking that its holder is really gone).

    \b
    Example:
      balprov force-unlock 6f1c2a0e-1b2c-4d5e-8f90-123456789abc
    """
    return state_command.force_unlock(obj["config"], Path.cwd(), lock_id)


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
