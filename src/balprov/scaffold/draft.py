"""A cabinet being drafted by `balprov new`: the values, their checks, the suggestions, the flag syntax.

Every check returns the user's message, or None when the value is fine; the same checks serve the flags
(a bad value is a usage error naming the flag) and the prompts (a bad answer is asked again).
"""

from __future__ import annotations

import datetime
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from balprov.i18n import _, ngettext
from balprov.identifiers import is_rpps_shaped, luhn_ok
from balprov.resources import schema_path
from balprov.rules.address_syntax import problem as address_problem

# TRE_G15-ProfessionSante codes of domain.md (check against the NOS table before relying on them)
PROFESSIONS = {
    "10": "Médecin",
    "21": "Pharmacien",
    "40": "Chirurgien-dentiste",
    "50": "Sage-femme",
    "60": "Infirmier",
    "70": "Masseur-kinésithérapeute",
}
AUTHENTICATIONS = ("e-CPS", "CPS")
RIGHTS = ("read", "send")
MAX_COTITULAIRES = 20
MAX_ADDRESS_LINES = 4

_NAME = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")
_DELEGATE_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
_CODE = re.compile(r"[0-9A-Za-z_-]{1,20}")
_CIVILITY = re.compile(r"[A-Z]{1,5}")
_POSTAL_CODE = re.compile(r"[0-9]{5}")
_LINE_FORBIDDEN = re.compile(r"[|\x00-\x1f\x7f]")
_USAGE_FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LINE_MAX, _USAGE_MAX = 200, 4000


class DraftError(ValueError):
    """A value that cannot go into the cabinet file; `str(error)` is the user's message."""


@cache
def structure_types() -> tuple[str, ...]:
    """The structure kinds the schema accepts, in its order."""
    schema = json.loads(schema_path("cabinet.schema.json").read_text(encoding="utf-8"))
    return tuple(schema["$defs"]["structure"]["properties"]["type"]["enum"])


@dataclass(frozen=True)
class Cotitulaire:
    rpps: str
    last_name: str
    first_name: str
    profession_code: str
    profession_label: str
    authentication: str = "e-CPS"
    principal: bool = False
    civility: str | None = None


@dataclass(frozen=True)
class Delegataire:
    id: str
    last_name: str
    first_name: str
    rights: tuple[str, ...]
    delegated_by: tuple[str, ...] = ()  # empty: every cotitulaire
    role: str | None = None
    rpps: str | None = None
    valid_from: str | None = None
    valid_until: str | None = None


@dataclass
class Draft:
    name: str
    address: str
    operator: str
    display_name: str
    structure_type: str
    structure_name: str
    postal_code: str
    city: str
    usage: str
    cotitulaires: list[Cotitulaire]
    delegataires: list[Delegataire] = field(default_factory=list)
    address_lines: list[str] = field(default_factory=list)
    description: str | None = None
    liste_rouge: bool = False


# -- checks: None when fine, else the message -------------------------------------------------------------


def line_problem(value: str) -> str | None:
    if not value.strip():
        return _("cannot be empty")
    if len(value) > _LINE_MAX:
        return _("at most {maximum} characters ({given} given)").format(maximum=_LINE_MAX, given=len(value))
    found = _LINE_FORBIDDEN.search(value)
    if found:
        what = (
            _("a line break")
            if found.group() in "\r\n"
            else "'|'"
            if found.group() == "|"
            else _("a control character")
        )
        return _("must be one line without '|' or control characters ({what} found)").format(what=what)
    return None


def usage_problem(value: str) -> str | None:
    if not value.strip():
        return _("cannot be empty: say what is shared through this mailbox")
    if len(value) > _USAGE_MAX:
        return _("at most {maximum} characters ({given} given)").format(maximum=_USAGE_MAX, given=len(value))
    if _USAGE_FORBIDDEN.search(value):
        return _("control characters are not allowed (line breaks and tabs are)")
    return None


def postal_code_problem(value: str) -> str | None:
    if _POSTAL_CODE.fullmatch(value):
        return None
    return _("{value} is not a five-digit postal code (e.g. 93260)").format(value=repr(value))


def structure_type_problem(value: str) -> str | None:
    kinds = structure_types()
    if value in kinds:
        return None
    return _("{value} is not a structure type; one of: {kinds}").format(value=repr(value), kinds=", ".join(kinds))


def rpps_problem(value: str, luhn_checked: bool = True) -> str | None:
    """An RPPS is 11 digits; with `luhn_checked` (the project's rpps-checksum is an error) it passes Luhn."""
    if not is_rpps_shaped(value):
        return _("{value} is not an RPPS number: 11 digits expected").format(value=repr(value))
    if luhn_checked and not luhn_ok(value):
        return _("{value} fails the RPPS check digit (Luhn): a typo? (rule rpps-checksum)").format(value=value)
    return None


def name_problem(value: str) -> str | None:
    if _NAME.fullmatch(value):
        return None
    return _(
        "{value} is not a name: lowercase letters, digits and '-', at most 63, not starting or ending with '-'"
    ).format(value=repr(value))


def address_problem_for(value: str, domain: str) -> str | None:
    reason = address_problem(value)
    if reason is not None:
        return reason
    if value.split("@", 1)[1] != domain:
        return _("the operator imposes the domain {domain}: use …@{domain}").format(domain=domain)
    return None


def delegate_id_problem(value: str) -> str | None:
    if _DELEGATE_ID.fullmatch(value):
        return None
    return _("{value} is not an identifier: a-z, 0-9, '.', '_' and '-', starting with a letter or digit").format(
        value=repr(value)
    )


def date_problem(value: str) -> str | None:
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return _("{value} is not a day: YYYY-MM-DD expected").format(value=repr(value))
    return None if len(value) == 10 else _("{value} is not a day: YYYY-MM-DD expected").format(value=repr(value))


def rights_of(value: str) -> tuple[str, ...]:
    """`read`, `send`, `read+send` (or `;`, `/` or spaces between): the rights, in schema order."""
    parts = [part for part in re.split(r"[+;/ ]+", value.strip().lower()) if part]
    unknown = [part for part in parts if part not in RIGHTS]
    if not parts or unknown:
        raise DraftError(_("rights {value}: read, send or read+send expected").format(value=repr(value)))
    return tuple(right for right in RIGHTS if right in parts)


def profession_of(value: str) -> tuple[str, str]:
    """`10` (a known code) or `CODE:Label`: the TRE_G15 code and its label."""
    code, _colon, label = value.partition(":")
    code, label = code.strip(), label.strip()
    if not _CODE.fullmatch(code):
        raise DraftError(
            _("profession {value}: a code such as 10 (Médecin) or 60 (Infirmier) expected").format(value=repr(value))
        )
    if not label:
        if code not in PROFESSIONS:
            known = ", ".join(f"{c} {label}" for c, label in PROFESSIONS.items())
            raise DraftError(
                _("profession code {code} is not known here ({known}); write it CODE:Label").format(
                    code=repr(code), known=known
                )
            )
        label = PROFESSIONS[code]
    problem = line_problem(label)
    if problem:
        raise DraftError(_("profession label {label}: {problem}").format(label=repr(label), problem=problem))
    return code, label


# -- suggestions ----------------------------------------------------------------------------------------


def slug(text: str) -> str:
    """`Cabinet des Lilas` -> `cabinet-des-lilas`: ASCII lowercase words joined by '-'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def suggest_address(structure_name: str, postal_code: str, domain: str) -> str:
    """The fiche's naming (step 3): the structure's name and a geographic element, in the operator's domain."""
    suffix = f".{postal_code}" if postal_code else ""
    base = slug(structure_name)[: 64 - len(suffix)].strip("-") or "cabinet"
    return f"{base}{suffix}@{domain}"


def name_from_address(address: str) -> str:
    """`cabinet-des-lilas.93260@…` -> `cabinet-des-lilas-93260`, the metadata.name of the examples."""
    local = address.split("@", 1)[0]
    return re.sub(r"[^a-z0-9]+", "-", local.lower()).strip("-")[:63].strip("-") or "cabinet"


def suggest_delegate_id(first_name: str, last_name: str) -> str:
    return ".".join(part for part in (slug(first_name), slug(last_name)) if part)[:64].strip(".-") or "delegataire"


# -- the flags' compact syntax ---------------------------------------------------------------------------


def _fields(spec: str, what: str, minimum: int, syntax: str) -> list[str]:
    if "\n" in spec or "\r" in spec:
        raise DraftError(_("{what} must be one line").format(what=what))
    fields = [item.strip() for item in spec.split(",")]
    if len(fields) < minimum or any(not item for item in fields[:minimum]):
        raise DraftError(_("{what} expects {syntax}").format(what=what, syntax=syntax))
    return fields


def _checked_line(value: str, what: str) -> str:
    problem = line_problem(value)
    if problem:
        raise DraftError(_("{what}: {problem}").format(what=what, problem=problem))
    return value


COTITULAIRE_SYNTAX = "RPPS,LastName,FirstName,ProfessionCode[,principal][,CPS|e-CPS][,civility=DR]"
DELEGATAIRE_SYNTAX = "id,LastName,FirstName,rights[,RPPS;RPPS][,role=…][,from=YYYY-MM-DD][,until=YYYY-MM-DD][,rpps=…]"


def parse_cotitulaire(spec: str, luhn_checked: bool = True) -> Cotitulaire:
    """`10107592585,Martin,Anne,10,principal`."""
    fields = _fields(spec, _("a cotitulaire"), 4, COTITULAIRE_SYNTAX)
    rpps, last_name, first_name, profession = fields[:4]
    problem = rpps_problem(rpps, luhn_checked)
    if problem:
        raise DraftError(problem)
    code, label = profession_of(profession)
    principal, authentication, civility = False, "e-CPS", None
    for extra in fields[4:]:
        key, sep, value = extra.partition("=")
        if extra.lower() == "principal":
            principal = True
        elif extra.lower() in ("cps", "e-cps"):
            authentication = "CPS" if extra.lower() == "cps" else "e-CPS"
        elif sep and key.strip().lower() == "civility" and _CIVILITY.fullmatch(value.strip().upper()):
            civility = value.strip().upper()
        else:
            raise DraftError(
                _("{value} is not understood here; {syntax} expected").format(
                    value=repr(extra), syntax=COTITULAIRE_SYNTAX
                )
            )
    return Cotitulaire(
        rpps=rpps,
        last_name=_checked_line(last_name, _("last name")),
        first_name=_checked_line(first_name, _("first name")),
        profession_code=code,
        profession_label=label,
        authentication=authentication,
        principal=principal,
        civility=civility,
    )


def rpps_list(value: str, luhn_checked: bool = True) -> tuple[str, ...]:
    items = tuple(dict.fromkeys(item for item in re.split(r"[;\s]+", value.strip()) if item))
    for item in items:
        problem = rpps_problem(item, luhn_checked)
        if problem:
            raise DraftError(problem)
    return items


def parse_delegataire(spec: str, luhn_checked: bool = True) -> Delegataire:
    """`claire.dupont,Dupont,Claire,read+send,10107592585;10001045367,role=Secrétaire médicale`."""
    fields = _fields(spec, _("a délégataire"), 4, DELEGATAIRE_SYNTAX)
    ident, last_name, first_name, rights = fields[:4]
    problem = delegate_id_problem(ident)
    if problem:
        raise DraftError(problem)
    values: dict[str, Any] = {}
    delegated_by: tuple[str, ...] = ()
    for extra in fields[4:]:
        key, sep, value = extra.partition("=")
        key, value = key.strip().lower(), value.strip()
        if not sep or key == "delegatedby":
            delegated_by = rpps_list(value if sep else extra, luhn_checked)
        elif key == "role":
            values["role"] = _checked_line(value, _("role"))
        elif key in ("from", "until"):
            problem = date_problem(value)
            if problem:
                raise DraftError(problem)
            values["valid_" + key] = value
        elif key == "rpps":
            problem = rpps_problem(value, luhn_checked)
            if problem:
                raise DraftError(problem)
            values["rpps"] = value
        else:
            raise DraftError(
                _("{value} is not understood here; {syntax} expected").format(
                    value=repr(extra), syntax=DELEGATAIRE_SYNTAX
                )
            )
    return Delegataire(
        id=ident,
        last_name=_checked_line(last_name, _("last name")),
        first_name=_checked_line(first_name, _("first name")),
        rights=rights_of(rights),
        delegated_by=delegated_by,
        **values,
    )


def team_problem(cotitulaires: list[Cotitulaire], delegataires: list[Delegataire]) -> tuple[str, str] | None:
    """What the cross-checks of the rules would reject in the people entered, as (the flag concerned,
    the message), or None."""
    if len(cotitulaires) > MAX_COTITULAIRES:
        return "--cotitulaire", _("at most {maximum} cotitulaires ({given} given)").format(
            maximum=MAX_COTITULAIRES, given=len(cotitulaires)
        )
    seen: set[str] = set()
    for person in cotitulaires:
        if person.rpps in seen:
            return "--cotitulaire", _("RPPS {rpps} is given for two cotitulaires").format(rpps=person.rpps)
        seen.add(person.rpps)
    if sum(1 for person in cotitulaires if person.principal) > 1:
        return "--cotitulaire", _("only one cotitulaire can be the principal")
    ids: set[str] = set()
    for delegate in delegataires:
        if delegate.id in ids:
            return "--delegataire", _("two délégataires have the id {id}").format(id=delegate.id)
        ids.add(delegate.id)
        problem = _delegate_problem(delegate, seen)
        if problem:
            return "--delegataire", _("délégataire {id}: {problem}").format(id=delegate.id, problem=problem)
    return None


def _delegate_problem(delegate: Delegataire, holders: set[str]) -> str | None:
    unknown = [rpps for rpps in delegate.delegated_by if rpps not in holders]
    if unknown:
        return ngettext(
            "{rpps} is not a cotitulaire of this mailbox", "{rpps} is not a cotitulaire of this mailbox", len(unknown)
        ).format(rpps=", ".join(unknown))
    if delegate.rpps is not None and delegate.rpps in holders:
        return _("RPPS {rpps} is already a cotitulaire (one role per person)").format(rpps=delegate.rpps)
    if delegate.valid_from and delegate.valid_until and delegate.valid_until < delegate.valid_from:
        return _("the access ends ({until}) before it starts").format(until=delegate.valid_until)
    return None
