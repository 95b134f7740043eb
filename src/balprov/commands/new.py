"""`balprov new`: a cabinet file from flags, or from questions on a terminal, then validated.

Every question has a flag; a value given by flag is not asked. Without a terminal (or with `--no-input`)
nothing is asked: the flags that are missing are listed and the exit status is 2, never a hang.
Exit: 0 written and free of errors (warnings allowed), 1 written with validation errors or a file in the
way, 2 usage error (missing or bad flags, no balprov.yaml).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO, TypeVar

from balprov.diagnostics import Severity
from balprov.errors import BalprovError, UsageError
from balprov.files import write_atomically
from balprov.i18n import N_, _
from balprov.project import Project, load_project
from balprov.reporters import REPORTERS, ReporterSettings
from balprov.scaffold import draft as d
from balprov.scaffold.draft import Cotitulaire, Delegataire, Draft, DraftError
from balprov.scaffold.prompts import Check, Prompter
from balprov.scaffold.render import render
from balprov.validation import ValidateOptions, validate

EXIT_OK, EXIT_FINDINGS = 0, 1
TEMPLATE = "new/cabinet.yaml.j2"
SCHEMA_REFERENCES = (".balprov-schemas/cabinet.schema.json", "schemas/cabinet.schema.json")
_T = TypeVar("_T")


class FileInTheWay(BalprovError):
    """The cabinet file exists: exit 1 unless --force."""


@dataclass(frozen=True)
class NewCommand:
    config: Path | None
    cwd: Path
    today: str
    name: str | None = None
    display_name: str | None = None
    description: str | None = None
    structure_type: str | None = None
    structure_name: str | None = None
    address_lines: tuple[str, ...] = ()
    postal_code: str | None = None
    city: str | None = None
    address: str | None = None
    operator: str | None = None
    cotitulaires: tuple[str, ...] = ()
    delegataires: tuple[str, ...] = ()
    usage: str | None = None
    liste_rouge: bool = False
    output: Path | None = None
    force: bool = False
    prompter: Prompter | None = None  # None: no terminal to ask on


def _flag(flag: str, value: str, check: Check) -> str:
    problem = check(value)
    if problem:
        raise UsageError(_("{flag} {value!r}: {problem}").format(flag=flag, value=value, problem=problem))
    return value


def _luhn_checked(project: Project) -> bool:
    return project.severities.get("rpps-checksum", Severity.ERROR) == Severity.ERROR


class _Asker:
    """Each value from its flag, else asked (on a terminal), else its default."""

    def __init__(self, command: NewCommand, project: Project) -> None:
        self.command = command
        self.project = project
        self.prompter = command.prompter
        self.luhn = _luhn_checked(project)

    def value(self, flag: str, given: str | None, question: str, check: Check, default: str | None = None) -> str:
        if given is not None:
            return _flag(flag, given, check)
        if self.prompter is not None:
            return self.prompter.ask(question, default=default, check=check)
        assert default is not None, flag  # missing required flags were reported before any question
        return default

    def say(self, text: str) -> None:
        if self.prompter is not None:
            self.prompter.say(text)


def missing_flags(command: NewCommand, project: Project) -> list[str]:
    """The flags that are needed when nothing can be asked."""
    missing = [
        flag
        for flag, value in (
            ("--structure-type", command.structure_type),
            ("--structure-name", command.structure_name),
            ("--postal-code", command.postal_code),
            ("--city", command.city),
            ("--usage", command.usage),
        )
        if value is None
    ]
    if command.operator is None and len(project.operators) > 1:
        missing.insert(0, "--operator")
    if not command.cotitulaires:
        missing.append("--cotitulaire")
    elif len(command.cotitulaires) > 1 and not any(
        part.strip().lower() == "principal" for spec in command.cotitulaires for part in spec.split(",")[4:]
    ):
        missing.append(N_("',principal' on one --cotitulaire"))
    return missing


def _operator(asker: _Asker) -> str:
    operators = sorted(asker.project.operators)

    def check(value: str) -> str | None:
        if value in asker.project.operators:
            return None
        return _("not an operator of balprov.yaml ({operators})").format(operators=", ".join(operators))

    if asker.command.operator is None and len(operators) == 1:
        return operators[0]
    return asker.value(
        "--operator",
        asker.command.operator,
        _("Operator ({operators})").format(operators=", ".join(operators)),
        check,
        operators[0],
    )


def _cotitulaire_questions(asker: _Asker, number: int) -> Cotitulaire:
    assert asker.prompter is not None
    ask = asker.prompter.ask
    asker.say(_("Cotitulaire {number}").format(number=number))
    rpps = ask(_("  RPPS (11 digits)"), check=lambda value: d.rpps_problem(value, asker.luhn))
    last_name = ask(_("  Last name"), check=d.line_problem)
    first_name = ask(_("  First name"), check=d.line_problem)
    codes = ", ".join(f"{code} {label}" for code, label in d.PROFESSIONS.items())
    profession = ask(
        _("  Profession code ({codes}; or CODE:Label)").format(codes=codes),
        default="10",
        check=_problem_of(d.profession_of),
    )
    code, label = d.profession_of(profession)
    card = ask(_("  Card (e-CPS or CPS)"), default="e-CPS", check=_one_of(d.AUTHENTICATIONS))
    return Cotitulaire(rpps, last_name, first_name, code, label, authentication=card)


def _cotitulaires(asker: _Asker) -> list[Cotitulaire]:
    specs = asker.command.cotitulaires
    if specs:
        people = [_parsed("--cotitulaire", spec, lambda s: d.parse_cotitulaire(s, asker.luhn)) for spec in specs]
    else:
        assert asker.prompter is not None
        asker.say(_("The cotitulaires hold the mailbox with their RPPS number and e-CPS or CPS card (1 to 20)."))
        people = [_cotitulaire_questions(asker, 1)]
        while len(people) < d.MAX_COTITULAIRES and asker.prompter.confirm(_("Add another cotitulaire?")):
            person = _cotitulaire_questions(asker, len(people) + 1)
            if any(other.rpps == person.rpps for other in people):
                asker.say(_("RPPS {rpps} is already a cotitulaire: not added twice").format(rpps=person.rpps))
                continue
            people.append(person)
    if not any(person.principal for person in people):
        if len(people) == 1:
            people[0] = replace(people[0], principal=True)
        else:
            assert asker.prompter is not None  # scripted: reported as a missing flag before
            choices = [person.rpps for person in people]
            for person in people:
                asker.say(f"  {person.rpps}  {person.first_name} {person.last_name}")
            principal = asker.prompter.ask(
                _("Principal cotitulaire, who opens the mailbox and alone creates or deletes it (RPPS)"),
                default=choices[0],
                check=lambda value: None if value in choices else _("one of the RPPS above"),
            )
            people = [replace(person, principal=person.rpps == principal) for person in people]
    return people


def _delegataire_questions(asker: _Asker, holders: list[Cotitulaire]) -> Delegataire:
    assert asker.prompter is not None
    ask = asker.prompter.ask
    last_name = ask(_("  Last name"), check=d.line_problem)
    first_name = ask(_("  First name"), check=d.line_problem)
    ident = ask(
        _("  Identifier at the operator"),
        default=d.suggest_delegate_id(first_name, last_name),
        check=d.delegate_id_problem,
    )
    role = ask(_("  Role (e.g. Secrétaire médicale; empty: none)"), default="", check=d.line_problem)
    rights = ask(_("  Rights (read, send or read+send)"), default="read+send", check=_problem_of(d.rights_of))
    everyone = ";".join(person.rpps for person in holders)
    known = {person.rpps for person in holders}

    def check_responsible(value: str) -> str | None:
        try:
            items = d.rpps_list(value, asker.luhn)
        except DraftError as error:
            return str(error)
        unknown = [item for item in items if item not in known]
        if not items:
            return _("at least one cotitulaire")
        return _("{rpps}: not a cotitulaire of this mailbox").format(rpps=", ".join(unknown)) if unknown else None

    responsible = ask(
        _("  Delegated by (RPPS of the cotitulaires, ';' between)"), default=everyone, check=check_responsible
    )
    valid_from = ask(_("  Access from (YYYY-MM-DD; empty: now)"), default="", check=d.date_problem)
    valid_until = ask(_("  Access until (YYYY-MM-DD; empty: no end)"), default="", check=d.date_problem)
    return Delegataire(
        id=ident,
        last_name=last_name,
        first_name=first_name,
        rights=d.rights_of(rights),
        delegated_by=() if responsible == everyone else d.rpps_list(responsible, asker.luhn),
        role=role or None,
        valid_from=valid_from or None,
        valid_until=valid_until or None,
    )


def _delegataires(asker: _Asker, holders: list[Cotitulaire]) -> list[Delegataire]:
    specs = asker.command.delegataires
    if specs or asker.prompter is None:
        return [_parsed("--delegataire", spec, lambda s: d.parse_delegataire(s, asker.luhn)) for spec in specs]
    delegates: list[Delegataire] = []
    question = _(
        "Add a délégataire (a secretary, a remplaçant: reads or sends under the cotitulaires' responsibility)?"
    )
    while asker.prompter.confirm(question):
        asker.say(_("Délégataire {number}").format(number=len(delegates) + 1))
        delegate = _delegataire_questions(asker, holders)
        problem = d.team_problem(holders, [*delegates, delegate])
        if problem:
            asker.say(_("Not added: {problem}").format(problem=problem[1]))
        else:
            delegates.append(delegate)
        question = _("Add another délégataire?")
    return delegates


def _parsed(flag: str, spec: str, parse: Callable[[str], _T]) -> _T:
    try:
        return parse(spec)
    except DraftError as error:
        raise UsageError(_("{flag} {value!r}: {problem}").format(flag=flag, value=spec, problem=error)) from None


def _problem_of(parse: Callable[[str], object]) -> Check:
    def check(value: str) -> str | None:
        try:
            parse(value)
        except DraftError as error:
            return str(error)
        return None

    return check


def _one_of(choices: tuple[str, ...]) -> Check:
    return lambda value: None if value in choices else _("one of {choices}").format(choices=", ".join(choices))


def _optional(check: Check) -> Check:
    return lambda value: None if not value else check(value)


def gather(command: NewCommand, project: Project) -> Draft:
    """The draft from the flags and the answers; raises UsageError for a bad flag."""
    asker = _Asker(command, project)
    operator = _operator(asker)
    domain = project.operators[operator].domain
    if command.prompter is not None and command.structure_name is None:
        asker.say(_("The structure that shares the mailbox (it has no FINESS number)."))
    kinds = d.structure_types()
    structure_type = asker.value(
        "--structure-type",
        command.structure_type,
        _("Structure type ({kinds})").format(kinds=", ".join(kinds)),
        d.structure_type_problem,
        kinds[0],
    )
    structure_name = asker.value("--structure-name", command.structure_name, _("Structure name"), d.line_problem)
    postal_code = asker.value("--postal-code", command.postal_code, _("Postal code"), d.postal_code_problem)
    city = asker.value("--city", command.city, _("City"), d.line_problem)
    address_lines = [_flag("--address-line", line, d.line_problem) for line in command.address_lines]
    if len(address_lines) > d.MAX_ADDRESS_LINES:
        raise UsageError(
            _("--address-line: at most {limit} lines ({count} given)").format(
                limit=d.MAX_ADDRESS_LINES, count=len(address_lines)
            )
        )
    if not address_lines and command.prompter is not None:
        street = command.prompter.ask(_("Street address (optional)"), default="", check=_optional(d.line_problem))
        address_lines = [street] if street else []
    display_name = asker.value(
        "--display-name", command.display_name, _("Name shown to correspondents"), d.line_problem, structure_name
    )
    suggestion = d.suggest_address(structure_name, postal_code, domain)
    address = asker.value(
        "--address",
        command.address,
        _("Mailbox address"),
        lambda value: d.address_problem_for(value, domain),
        suggestion,
    )
    name = _flag("--name", command.name, d.name_problem) if command.name else d.name_from_address(address)
    description = _flag("--description", command.description, d.line_problem) if command.description else None
    usage = asker.value(
        "--usage", command.usage, _("What is shared through this mailbox (modalités d'usage)"), d.usage_problem
    )
    cotitulaires = _cotitulaires(asker)
    delegataires = _delegataires(asker, cotitulaires)
    problem = d.team_problem(cotitulaires, delegataires)
    if problem:
        flag, message = problem
        raise UsageError(_("{flag}: {problem}").format(flag=flag, problem=message))
    return Draft(
        name=name,
        address=address,
        operator=operator,
        display_name=display_name,
        structure_type=structure_type,
        structure_name=structure_name,
        postal_code=postal_code,
        city=city,
        usage=usage if usage.endswith("\n") else usage + "\n",
        cotitulaires=cotitulaires,
        delegataires=delegataires,
        address_lines=address_lines,
        description=description,
        liste_rouge=command.liste_rouge,
    )


def schema_reference(project: Project, out_file: Path) -> str | None:
    """The cabinet schema of the repository, relative to the new file (`balprov init` copies it)."""
    for candidate in SCHEMA_REFERENCES:
        schema = project.root / candidate
        if schema.is_file():
            return Path(os.path.relpath(schema, out_file.resolve().parent)).as_posix()
    return None


def render_cabinet(draft: Draft, project: Project, out_file: Path, today: str) -> str:
    context = {
        "draft": draft,
        "all_rpps": [person.rpps for person in draft.cotitulaires],
        "schema_ref": schema_reference(project, out_file),
        "today": today,
    }
    return render(TEMPLATE, context, project.root / "templates")


def run(command: NewCommand, stdout: TextIO | None = None) -> int:
    stdout = stdout or sys.stdout  # looked up per call: tests and callers swap sys.stdout
    project = load_project(command.config, command.cwd)
    if command.prompter is None:
        missing = missing_flags(command, project)
        if missing:
            raise UsageError(
                _(
                    "missing (no terminal to ask on): {flags}; see `balprov new --help` for an example, or run it "
                    "on a terminal to be asked"
                ).format(flags=", ".join(_(flag) for flag in missing))
            )
    draft = gather(command, project)
    out_file = command.cwd / command.output if command.output else project.cabinets_dir / f"{draft.name}.yaml"
    shown = project.display(out_file)
    if out_file.exists() and not command.force:
        replace_it = command.prompter is not None and command.prompter.confirm(
            _("{file} exists. Replace it?").format(file=shown)
        )
        if not replace_it:
            raise FileInTheWay(
                _("{file} already exists; nothing was written (pass --force to replace it, or -o FILE)").format(
                    file=shown
                )
            )
    if out_file.is_dir():
        raise UsageError(_("{file} is a folder; -o takes a file name").format(file=shown))
    write_atomically(out_file, render_cabinet(draft, project, out_file, command.today))
    wrote = _("wrote {file} ({address}, {count} cotitulaire(s))")
    stdout.write(wrote.format(file=shown, address=draft.address, count=len(draft.cotitulaires)) + "\n")
    context = [project.cabinets_dir] if project.cabinets_dir.is_dir() else []
    report = validate(project, ValidateOptions(paths=[out_file], today=command.today, jobs=1, context=context))
    REPORTERS["text"](ReporterSettings()).render(report, stdout)
    if report.errors:
        stdout.write(_("Fix {file}, then run `balprov validate`.").format(file=shown) + "\n")
        return EXIT_FINDINGS
    stdout.write(_("Next: `balprov plan` shows what apply would create.") + "\n")
    return EXIT_OK
