"""The command line: click parses options into typed values and hands them to `balprov.commands`."""

from __future__ import annotations

import datetime
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import click

from balprov import __version__
from balprov.cli_i18n import TranslatedGroup, route_click_messages
from balprov.errors import BalprovError
from balprov.formats import CHECK_FORMATS, EXPORT_FORMATS, NOTICE_FORMATS, PLAN_FORMATS, VALIDATE_FORMATS
from balprov.i18n import LANGUAGES, N_, _, detect_language, normalize, set_language
from balprov.lazy import lazy_module

if TYPE_CHECKING:
    from balprov.commands import annuaire as annuaire_command
    from balprov.commands import apply as apply_command
    from balprov.commands import notice as notice_command
    from balprov.commands import plan as plan_command
    from balprov.commands import rules as rules_command
    from balprov.commands import state as state_command
    from balprov.commands import validate as validate_command
else:  # imported when a command runs: `balprov validate` does not pay for plan, state, exports (~0.1 s)
    annuaire_command = lazy_module("balprov.commands.annuaire")
    apply_command = lazy_module("balprov.commands.apply")
    notice_command = lazy_module("balprov.commands.notice")
    plan_command = lazy_module("balprov.commands.plan")
    rules_command = lazy_module("balprov.commands.rules")
    state_command = lazy_module("balprov.commands.state")
    validate_command = lazy_module("balprov.commands.validate")

EXIT_INTERNAL = 70  # a bug in balprov, never bad input (see --debug)


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
            self.fail(_("{value!r} is not a duration (examples: 0, 30s, 5m)").format(value=value), param, ctx)
        if seconds < 0:
            self.fail(_("a duration cannot be negative"), param, ctx)
        return seconds


def _color(option: bool | None) -> bool:
    if option is not None:
        return option
    # no-color.org: NO_COLOR set to a non-empty value turns colour off; an empty one is ignored
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def _today(value: datetime.datetime | None) -> str:
    return (value.date() if value else datetime.date.today()).isoformat()


_no_cache_option = click.option(
    "--no-cache",
    is_flag=True,
    help=N_("Check every file again, ignoring and leaving .balprov/cache/ as it is."),
)


def _use_language(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """--lang: eager, so it applies before the sub-command is parsed and before any help is printed."""
    if value is not None:
        set_language(value)


@click.group(cls=TranslatedGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    is_eager=True,
    expose_value=False,
    callback=_use_language,
    help=N_("Language of the messages (default: from LANGUAGE, LC_ALL, LC_MESSAGES or LANG)."),
)
@click.option(
    "--config",
    type=click.Path(path_type=Path, dir_okay=False),
    help=N_("balprov.yaml to use (default: found in the current folder or a parent)."),
)
@click.option("--debug", is_flag=True, help=N_("Show Python tracebacks of internal errors."))
@click.version_option(__version__, prog_name="balprov")
@click.pass_context
def cli(ctx: click.Context, config: Path | None, debug: bool) -> None:
    """MSSanté BAL Cabinet mailboxes as code: validate, plan, apply, publish.

    Messages are in English or French: --lang, else the LANGUAGE, LC_ALL, LC_MESSAGES or LANG environment
    variable (fr_FR.UTF-8 chooses French). Rule slugs, JSON keys and exit codes are the same in every language.

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
    help=N_("Output format; auto = github inside GitHub Actions, text elsewhere."),
)
@click.option("--strict", is_flag=True, help=N_("Warnings count as errors for the exit code."))
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help=N_("Date the expiry rules compare with."))
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0, help=N_("Worker processes (0: one per core)."))
@click.option("--color/--no-color", default=None, help=N_("Colour the text output (default: on a terminal)."))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help=N_("Write the report here."))
@click.option(
    "--changed-since",
    metavar="REF",
    help=N_("Only the files changed since this git ref (cross-file rules still read every file)."),
)
@_no_cache_option
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
    changed_since: str | None,
    no_cache: bool,
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
        changed_since=changed_since,
        cache=not no_cache,
    )
    return validate_command.run(command)


@cli.command(name="rules")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help=N_("Output format."),
)
@click.pass_obj
def rules_(obj: dict[str, Any], output_format: str) -> int:
    """List the rules with their severity in this project.

    \b
    Example:
      balprov rules --format json
    """
    try:
        from balprov.project import load_project

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


_today_option = click.option(
    "--today", type=click.DateTime(["%Y-%m-%d"]), help=N_("Day the delegations' validity windows are evaluated for.")
)


@cli.command()
@click.option(
    "--format",
    "output_format",
    type=click.Choice(PLAN_FORMATS),
    default="text",
    show_default=True,
    help=N_("Output format; markdown is a pull-request comment."),
)
@click.option(
    "-o", "--out", "out_file", type=click.Path(path_type=Path, dir_okay=False), help=N_("Save the plan for apply.")
)
@click.option("--detailed-exitcode", is_flag=True, help=N_("Exit 0 without changes, 2 with changes, 1 on error."))
@click.option("--refresh", is_flag=True, help=N_("Read the operator back first and report drift."))
@click.option("--color/--no-color", default=None, help=N_("Colour the text output (default: on a terminal)."))
@click.option(
    "--changed-since", metavar="REF", help=N_("Show only the mailboxes whose files changed since this git ref.")
)
@_today_option
@_no_cache_option
@click.pass_obj
def plan(
    obj: dict[str, Any],
    output_format: str,
    out_file: Path | None,
    detailed_exitcode: bool,
    refresh: bool,
    color: bool | None,
    today: datetime.datetime | None,
    changed_since: str | None,
    no_cache: bool,
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
        changed_since=changed_since,
        cache=not no_cache,
    )
    return plan_command.run(command)


@cli.command()
@click.argument("plan_file", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--auto-approve", is_flag=True, help=N_("Apply without asking for confirmation."))
@click.option("--allow-delete", is_flag=True, help=N_("Allow the plan to delete mailboxes."))
@click.option("--continue-on-error", is_flag=True, help=N_("Go on with the other mailboxes after a failure."))
@click.option(
    "--lock-timeout", type=Duration(), default="0s", show_default=True, help=N_("How long to wait for the lock.")
)
@click.option(
    "--adopt",
    is_flag=True,
    help=N_("Take over existing operator entries that balprov did not create (ldap provider); refused otherwise."),
)
@click.option("--color/--no-color", default=None, help=N_("Colour the text output (default: on a terminal)."))
@_today_option
@click.pass_obj
def apply(
    obj: dict[str, Any],
    plan_file: Path | None,
    auto_approve: bool,
    allow_delete: bool,
    continue_on_error: bool,
    lock_timeout: float,
    adopt: bool,
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
        adopt=adopt,
        color=_color(color),
        confirm=(lambda question: click.confirm(question, default=False)) if interactive else None,
    )
    return apply_command.run(command)


@cli.group()
def state() -> None:
    """What the state holds: applied mailboxes and the journal of changes."""


_state_format = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help=N_("Output format."),
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


@state.command(name="migrate")
@click.pass_obj
def state_migrate(obj: dict[str, Any]) -> int:
    """Create or upgrade the state's schema to this balprov's version (idempotent).

    A PostgreSQL state of an older schema is refused until this is run; machines still running an older
    balprov will then refuse it, so upgrade them too.

    \b
    Example:
      balprov state migrate
    """
    return state_command.migrate(obj["config"], Path.cwd())


@state.command(name="copy")
@click.option(
    "--to",
    "to",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help=N_("balprov.yaml describing the target state (its `state` section)."),
)
@click.option("--force", is_flag=True, help=N_("Replace a target state that is not empty (its journal included)."))
@click.option(
    "--lock-timeout", type=Duration(), default="0s", show_default=True, help=N_("How long to wait for the lock.")
)
@click.pass_obj
def state_copy(obj: dict[str, Any], to: Path, force: bool, lock_timeout: float) -> int:
    """Copy this project's state (lineage, serial, mailboxes, journal) to another backend.

    Moves a state from SQLite to PostgreSQL and back; then point balprov.yaml's `state` at the target.

    \b
    Example:
      balprov state copy --to shared/balprov.yaml
    """
    return state_command.copy(obj["config"], Path.cwd(), to, force, lock_timeout)


@cli.command(name="force-unlock")
@click.argument("lock_id")
@click.pass_obj
def force_unlock(obj: dict[str, Any], lock_id: str) -> int:
    """Remove a stuck state lock (after checking that its holder is really gone).

    On a PostgreSQL state this also ends the holder's lock session (pg_terminate_backend), which releases
    its advisory lock; a holder still running then records nothing more.

    \b
    Example:
      balprov force-unlock 6f1c2a0e-1b2c-4d5e-8f90-123456789abc
    """
    return state_command.force_unlock(obj["config"], Path.cwd(), lock_id)


# -- Annuaire Santé publication: exports, the check of a real extraction, the step-4 notices ------------


@cli.group()
def export() -> None:
    """Publication files for the Annuaire Santé."""


@export.command(name="annuaire")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(EXPORT_FORMATS),
    default="csv",
    show_default=True,
    help=N_(
        "csv: the Extraction_Correspondance_MSSante layout; fhir: a Bundle of Practitioners; "
        "fhir-patch: a plan's changes as a transaction of conditional PATCHes."
    ),
)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help=N_("Write the file here."))
@click.option(
    "--plan",
    "plan_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help=N_("With --format fhir-patch: a saved plan (default: plan now, as `balprov plan` does)."),
)
@_today_option
@click.pass_obj
def export_annuaire(
    obj: dict[str, Any],
    output_format: str,
    output: Path | None,
    plan_file: Path | None,
    today: datetime.datetime | None,
) -> int:
    """Export the applied mailboxes as the Annuaire Santé publishes them.

    From the state: one row (csv) or Practitioner (fhir) per cotitulaire; délégataires never appear,
    and liste-rouge mailboxes are left out of the csv. Exit status: 0 written, 1 error, 2 usage error.

    \b
    Example:
      balprov export annuaire --format csv -o Extraction_Correspondance_MSSante.txt
      balprov plan -o plan.json && balprov export annuaire --format fhir-patch --plan plan.json
    """
    command = annuaire_command.ExportCommand(
        config=obj["config"],
        cwd=Path.cwd(),
        today=_today(today),
        format=output_format,
        output=output,
        plan_file=plan_file,
    )
    return annuaire_command.export(command)


@cli.group()
def annuaire() -> None:
    """What the Annuaire Santé really publishes."""


@annuaire.command(name="check")
@click.argument("extraction", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(CHECK_FORMATS),
    default="text",
    show_default=True,
    help=N_("Report format."),
)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help=N_("Write the report here."))
@click.pass_obj
def annuaire_check(obj: dict[str, Any], extraction: Path, output_format: str, output: Path | None) -> int:
    """Compare a downloaded extraction (.txt, or the .zip ANS ships) with the applied mailboxes.

    Reports, per applied mailbox, whether it is published with exactly its cotitulaires, and the CAB
    addresses of the operators' domains that are published but not in the state. Malformed lines are
    reported and skipped. Exit status: 0 all agree, 1 they do not, 2 the file cannot be used.

    \b
    Example:
      balprov annuaire check Extraction_Correspondance_MSSante_202611290800.zip --format markdown
    """
    command = annuaire_command.CheckCommand(
        config=obj["config"], cwd=Path.cwd(), extraction=extraction, format=output_format, output=output
    )
    return annuaire_command.check(command)


@cli.group()
def notice() -> None:
    """The organisation notices of the fiche's step 4, from templates/notices/."""


def _notice_command(kind: str) -> Callable[..., int]:
    @click.argument("name")
    @click.option(
        "--format",
        "output_format",
        type=click.Choice(NOTICE_FORMATS),
        default="markdown",
        show_default=True,
        help=N_("Notice format; HTML is autoescaped."),
    )
    @click.option("--lang", "language", default="fr", show_default=True, help=N_("Template language."))
    @click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help=N_("Write the notice here."))
    @_today_option
    @click.pass_obj
    def render(
        obj: dict[str, Any],
        name: str,
        output_format: str,
        language: str,
        output: Path | None,
        today: datetime.datetime | None,
    ) -> int:
        command = notice_command.NoticeCommand(
            config=obj["config"],
            cwd=Path.cwd(),
            kind=kind,
            name=name,
            today=_today(today),
            format=output_format,
            language=language,
            output=output,
        )
        return notice_command.run(command)

    return render


notice.command(
    name="patients",
    help=N_(
        "Inform patients that the structure's professionals share this mailbox (who holds it, who reads it, "
        "what it is for).\n\nExit status: 0 written, 1 no such mailbox, 2 no template for --lang or a template "
        "fails.\n\n\b\nExample:\n  balprov notice patients cabinet-des-lilas-93260 --format html -o affiche.html"
    ),
)(_notice_command("patients"))
notice.command(
    name="partners",
    help=N_(
        "Announce the new address to external partners (what to send there, who answers)."
        "\n\nExit status: 0 written, 1 no such mailbox, 2 no template for --lang or a template fails."
        "\n\n\b\nExample:\n  balprov notice partners cabinet-des-lilas-93260 -o annonce.md"
    ),
)(_notice_command("partners"))


# -- a newcomer's first hour: init, new, report (issue 9) ------------------------------------------------


@cli.command()
@click.argument("directory", required=False, default=".", type=click.Path(path_type=Path, file_okay=False))
@click.option("--operator-id", default="demo", show_default=True, help=N_("Id of the operator in balprov.yaml."))
@click.option("--domain", default="demo.mssante.fr", show_default=True, help=N_("The MSSanté domain it imposes."))
@click.option("--force", is_flag=True, help=N_("Replace existing files."))
def init(directory: Path, operator_id: str, domain: str, force: bool) -> int:
    """Create a ready repository: balprov.yaml, an example cabinet, schemas, .gitignore, pre-commit.

    Existing files are never replaced without --force (exit 1, naming them). Then prints the next
    commands to run.

    \b
    Example:
      balprov init cabinets-repo --operator-id mon-operateur --domain mon-operateur.mssante.fr
    """
    from balprov.commands import init as init_command

    command = init_command.InitCommand(
        cwd=Path.cwd(), directory=directory, operator_id=operator_id, domain=domain, force=force
    )
    return init_command.run(command)


@cli.command()
@click.option("--structure-type", help=N_("cabinet-medical, cabinet-paramedical, cabinet-infirmier, reseau, …"))
@click.option("--structure-name", help=N_("Raison sociale of the structure."))
@click.option("--postal-code", help=N_("Five digits."))
@click.option("--city", help=N_("City (ligne d'acheminement)."))
@click.option("--address-line", "address_lines", multiple=True, help=N_("Street address line (repeatable, up to 4)."))
@click.option("--display-name", help=N_("Name shown to correspondents (default: the structure name)."))
@click.option("--description", help=N_("Optional description published with the mailbox."))
@click.option(
    "--address",
    help=N_("Mailbox address (default: from the structure name and postal code, in the operator's domain)."),
)
@click.option("--name", help=N_("metadata.name (default: from the address)."))
@click.option("--operator", help=N_("Operator id of balprov.yaml (default: the only one)."))
@click.option("--usage", help=N_("What is shared through this mailbox (modalités d'usage)."))
@click.option(
    "--cotitulaire",
    "cotitulaires",
    multiple=True,
    metavar="SPEC",
    help=N_("RPPS,LastName,FirstName,ProfessionCode[,principal][,CPS] (repeatable)."),
)
@click.option(
    "--delegataire",
    "delegataires",
    multiple=True,
    metavar="SPEC",
    help=N_(
        "id,LastName,FirstName,read+send[,RPPS;RPPS][,role=…][,from=DAY][,until=DAY] (repeatable; "
        "delegated by every cotitulaire unless RPPS are given)."
    ),
)
@click.option("--liste-rouge", is_flag=True, help=N_("Do not publish the mailbox in the Annuaire Santé."))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help=N_("File to write."))
@click.option("--force", is_flag=True, help=N_("Replace the file if it exists."))
@click.option("--no-input", is_flag=True, help=N_("Never ask, even on a terminal: missing flags are an error."))
@_today_option
@click.pass_obj
def new(
    obj: dict[str, Any],
    structure_type: str | None,
    structure_name: str | None,
    postal_code: str | None,
    city: str | None,
    address_lines: tuple[str, ...],
    display_name: str | None,
    description: str | None,
    address: str | None,
    name: str | None,
    operator: str | None,
    usage: str | None,
    cotitulaires: tuple[str, ...],
    delegataires: tuple[str, ...],
    liste_rouge: bool,
    output: Path | None,
    force: bool,
    no_input: bool,
    today: datetime.datetime | None,
) -> int:
    """Create a cabinet file from flags, or by asking on a terminal, then validate it.

    Every question has a flag; without a terminal (or with --no-input) missing flags are listed and the
    exit status is 2. Exit status: 0 written without errors, 1 written with errors (or the file exists),
    2 usage error. The file goes to cabinets/<name>.yaml unless -o says otherwise.

    \b
    Example:
      balprov new                      # on a terminal: asks, suggesting the address
      balprov new --structure-type cabinet-medical --structure-name "Cabinet des Lilas" \\
        --postal-code 93260 --city "Les Lilas" --usage "Comptes rendus, résultats d'examens" \\
        --cotitulaire "10107592585,Martin,Anne,10,principal" --cotitulaire "10001045367,Bernard,Paul,10" \\
        --delegataire "claire.dupont,Dupont,Claire,read+send,role=Secrétaire médicale"
    """
    from balprov.commands import new as new_command
    from balprov.scaffold.prompts import ClickPrompter

    interactive = sys.stdin.isatty() and not no_input
    command = new_command.NewCommand(
        config=obj["config"],
        cwd=Path.cwd(),
        today=_today(today),
        name=name,
        display_name=display_name,
        description=description,
        structure_type=structure_type,
        structure_name=structure_name,
        address_lines=address_lines,
        postal_code=postal_code,
        city=city,
        address=address,
        operator=operator,
        cotitulaires=cotitulaires,
        delegataires=delegataires,
        usage=usage,
        liste_rouge=liste_rouge,
        output=output,
        force=force,
        prompter=ClickPrompter() if interactive else None,
    )
    return new_command.run(command)


@cli.command()
@click.option(
    "-o", "--output", required=True, type=click.Path(path_type=Path, file_okay=False), help=N_("Folder of the site.")
)
@click.option(
    "--within",
    "within_days",
    type=click.IntRange(min=0),
    default=30,
    show_default=True,
    help=N_("Days ahead for 'delegations ending soon'."),
)
@_today_option
@click.pass_obj
def report(obj: dict[str, Any], output: Path, within_days: int, today: datetime.datetime | None) -> int:
    """Write the registry as a static HTML site: searchable mailboxes, one page each, findings.

    Built from the definitions (validated as plan does) and the state when there is one; nothing is
    loaded from the network when the pages are opened. Exit status: 0 written, 1 cannot write, 2 usage
    or configuration error.

    \b
    Example:
      balprov report -o site && xdg-open site/index.html
    """
    from balprov.commands import report as report_command

    command = report_command.ReportCommand(
        config=obj["config"], cwd=Path.cwd(), today=_today(today), output=output, within_days=within_days
    )
    return report_command.run(command)


def _requested_language(args: list[str]) -> str | None:
    """--lang among the global options, read before click parses them: `balprov --help --lang fr` would
    otherwise print the help before the (eager) --lang option is processed."""
    for index, arg in enumerate(args):
        if arg == "--lang" and index + 1 < len(args):
            return normalize(args[index + 1])
        if arg.startswith("--lang="):
            return normalize(arg.partition("=")[2])
        if arg == "--" or (not arg.startswith("-") and (index == 0 or args[index - 1] not in ("--config", "--lang"))):
            return None  # the command: its own options (notice's --lang is the template's) are not ours
    return None


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    # the environment's language first; --lang (an eager option) may change it before anything is printed
    set_language(_requested_language(args) or detect_language())
    route_click_messages()
    try:
        code = cli.main(args=args, prog_name="balprov", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo(_("Aborted."), err=True)
        code = 1
    except click.ClickException as error:
        error.show()
        code = error.exit_code
    except BalprovError as error:
        click.echo(_("balprov: {error}").format(error=error), err=True)
        code = error.exit_code
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (| head): nothing more to say
        code = 1
    except KeyboardInterrupt:
        code = 130
    except Exception as error:
        if "--debug" in args:
            raise
        click.echo(
            _("balprov: internal error: {kind}: {error}").format(kind=type(error).__name__, error=error), err=True
        )
        click.echo(_("This is a bug in balprov; rerun with --debug to see the traceback."), err=True)
        code = EXIT_INTERNAL
    sys.exit(code if isinstance(code, int) else 0)
