"""The organisation notices of the fiche's step 4, from templates a project may override.

- `patients`: informs patients that the structure's professionals use a shared mailbox (who holds it,
  who reads it under their responsibility, what goes through it);
- `partners`: announces the new address to external partners (what to send there, who answers).

Templates: `templates/notices/<lang>/<kind>.<md|html>.j2`, French (`fr`) shipped; a project's own
`templates/notices/...` wins. HTML renders with autoescaping on, Markdown through the `md` filter,
which escapes what Markdown would read as markup or raw HTML. Both render in Jinja2's sandbox; a
project template that fails there is a configuration error (exit 2) naming it.

Délégataires are named by role only in the shipped notices (they are never published with the BAL);
their names are in the context for a project that wants them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from balprov.errors import UsageError
from balprov.formats import NOTICE_FORMATS as NOTICE_FORMATS
from balprov.i18n import _
from balprov.planning.normalize import Definition
from balprov.rendering.environment import environment
from balprov.rendering.template_errors import template_problems

NOTICE_KINDS = ("patients", "partners")
DEFAULT_LANGUAGE = "fr"
_EXTENSIONS = {"markdown": "md", "html": "html"}
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?")

CIVILITIES = {"DR": "Dr", "PR": "Pr", "M": "M.", "MME": "Mme", "MLLE": "Mlle"}
STRUCTURE_KINDS = {
    "cabinet-medical": "cabinet médical",
    "cabinet-paramedical": "cabinet paramédical",
    "cabinet-infirmier": "cabinet infirmier",
    "reseau": "réseau de santé",
    "association": "association",
    "administration": "service administratif",
    "autre": "structure de santé",
}
_MARKDOWN = re.compile(r"([\\`*_\[\]#])")


@dataclass(frozen=True)
class Person:
    first_name: str
    last_name: str
    civility: str  # as people read it: "Dr", "Mme", or ""
    full_name: str  # "Dr Anne Martin"
    profession: str
    specialty: str
    principal: bool


@dataclass(frozen=True)
class Delegate:
    first_name: str
    last_name: str
    role: str
    reads: bool
    sends: bool
    valid_from: str | None
    valid_until: str | None


def markdown_text(value: Any) -> str:
    """A value as Markdown text: markup characters backslash-escaped, HTML's < > & as entities."""
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN.sub(r"\\\1", text)


def _person(item: dict[str, Any]) -> Person:
    civility = CIVILITIES.get(item.get("civility") or "", item.get("civility") or "")
    specialty = item.get("specialty") or {}
    return Person(
        first_name=item["firstName"],
        last_name=item["lastName"],
        civility=civility,
        full_name=" ".join(part for part in (civility, item["firstName"], item["lastName"]) if part),
        profession=item["profession"]["label"],
        specialty=specialty.get("label", ""),
        principal=bool(item.get("principal")),
    )


def _delegate(item: dict[str, Any]) -> Delegate:
    return Delegate(
        first_name=item["firstName"],
        last_name=item["lastName"],
        role=item.get("role") or "",
        reads="read" in item["rights"],
        sends="send" in item["rights"],
        valid_from=item.get("validFrom"),
        valid_until=item.get("validUntil"),
    )


def notice_context(definition: Definition) -> dict[str, Any]:
    structure = definition["structure"]
    cotitulaires = [_person(item) for item in definition["cotitulaires"]]
    delegataires = [_delegate(item) for item in definition["delegataires"]]
    roles = list(dict.fromkeys(d.role.lower() if d.role else "délégataire" for d in delegataires))
    answering = list(dict.fromkeys(d.role.lower() if d.role else "délégataire" for d in delegataires if d.sends))
    return {
        "address": definition["address"],
        "display_name": definition["displayName"],
        "description": definition.get("description") or "",
        "liste_rouge": bool(definition.get("listeRouge")),
        "structure": {
            "name": structure["name"],
            "kind": STRUCTURE_KINDS.get(structure["type"], "structure de santé"),
            "address_lines": list(structure.get("addressLines") or []),
            "postal_code": structure["postalCode"],
            "city": structure["city"],
        },
        "usage_lines": [line.strip() for line in str(definition["usage"]).splitlines() if line.strip()],
        "cotitulaires": cotitulaires,
        "principal": next((p for p in cotitulaires if p.principal), None),
        "delegataires": delegataires,
        "delegate_roles": roles,  # every délégataire's role, once (who reads)
        "answering_roles": answering,  # the roles of those who may send (who answers)
    }


def template_name(kind: str, output_format: str, language: str) -> str:
    return f"notices/{language}/{kind}.{_EXTENSIONS[output_format]}.j2"


def render_notice(
    definition: Definition, kind: str, output_format: str, language: str, project_templates: Path | None
) -> str:
    if not _LANGUAGE.fullmatch(language):
        raise UsageError(
            _("--lang {language!r} is not a language code (examples: fr, en, de)").format(language=language)
        )
    env = environment(project_templates, autoescape=output_format == "html")
    env.filters["md"] = markdown_text
    name = template_name(kind, output_format, language)
    with template_problems(name):
        try:
            template = env.get_template(name)
        except jinja2.TemplateNotFound:
            raise UsageError(
                _(
                    "no template {name}: balprov ships the '{default}' notices; add yours as templates/{name} "
                    "in the project"
                ).format(name=name, default=DEFAULT_LANGUAGE)
            ) from None
        return template.render(notice_context(definition))
