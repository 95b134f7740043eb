"""The registry as a static HTML site: views of the mailboxes, their diagram, and the pages' rendering.

Pages render with autoescaping in Jinja2's sandbox from `templates/report/` (a project's own versions
first). They load nothing: the style and the search script are inline, allowed by a Content-Security-
Policy that names their SHA-256 hashes, so nothing else can run or load even if a value slipped through.
The diagram of each mailbox is an inline SVG laid out here, from the data, with no script.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import markupsafe

from balprov.diagnostics import Diagnostic
from balprov.i18n import N_, _, language
from balprov.rendering.environment import environment
from balprov.rendering.notice import CIVILITIES
from balprov.rendering.template_errors import template_problems

PAGE_NAME = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")  # metadata.name: safe as a file name
MAILBOX_FOLDER = "mailboxes"

STRUCTURE_KINDS = {
    "cabinet-medical": "Cabinet médical",
    "cabinet-paramedical": "Cabinet paramédical",
    "cabinet-infirmier": "Cabinet infirmier",
    "reseau": "Réseau",
    "association": "Association",
    "administration": "Administration",
    "autre": "Autre",
}
STATUSES = {  # plan action (or finding) -> what the report says (translated when shown)
    "noop": N_("applied"),
    "update": N_("changes to apply"),
    "create": N_("not applied yet"),
    "delete": N_("applied, definition removed"),
    "invalid": N_("definition has errors"),
}
# a delegation's status (compared in the code, so kept in English there) -> what the report says
DELEGATION_STATUSES = {"in force": N_("in force"), "scheduled": N_("scheduled"), "ended": N_("ended")}


@dataclass(frozen=True)
class PersonView:
    rpps: str
    name: str
    profession: str
    principal: bool
    authentication: str
    nominated_by: str | None  # the nominator's name (or RPPS)
    nominator_rpps: str | None = None


@dataclass(frozen=True)
class DelegateView:
    id: str
    name: str
    role: str
    rights: tuple[str, ...]
    delegated_by: tuple[str, ...]  # names (or RPPS) of the responsible cotitulaires
    valid_from: str | None
    valid_until: str | None
    status: str  # in force | scheduled | ended
    days_left: int | None  # until the last day, when it is within the window

    @property
    def status_label(self) -> str:
        return _(DELEGATION_STATUSES[self.status]) if self.status in DELEGATION_STATUSES else self.status


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float
    kind: str  # mailbox | principal | cotitulaire | delegataire
    label: str
    detail: str
    title: str
    extra: str = ""  # more CSS classes: inactive, ending

    @property
    def text_x(self) -> float:
        return self.x + 12

    @property
    def middle_y(self) -> float:
        return self.y + self.height / 2


@dataclass(frozen=True)
class Edge:
    d: str  # an SVG path
    kind: str  # holder | principal | delegate | nominated
    title: str


@dataclass(frozen=True)
class Diagram:
    width: float
    height: float
    boxes: list[Box]
    edges: list[Edge]
    columns: list[tuple[float, str]]  # (x of the column's centre, heading)


@dataclass
class MailboxView:
    name: str
    page: str | None  # relative to the site's root; None when the name is not safe as a file name
    address: str
    display_name: str
    description: str
    operator: str
    structure_kind: str
    structure_name: str
    address_lines: list[str]
    postal_code: str
    city: str
    usage_lines: list[str]
    liste_rouge: bool
    cotitulaires: list[PersonView]
    delegataires: list[DelegateView]
    status: str
    file: str | None
    applied_at: str | None = None
    applied_by: str | None = None
    findings: list[Diagnostic] = field(default_factory=list)
    diagram: Diagram | None = None

    @property
    def principal(self) -> PersonView | None:
        return next((person for person in self.cotitulaires if person.principal), None)

    @property
    def status_label(self) -> str:
        return _(STATUSES[self.status]) if self.status in STATUSES else self.status

    @property
    def search_text(self) -> str:
        """What the search matches beyond the visible cells: every person, RPPS and identifier."""
        people = [f"{p.name} {p.rpps} {p.profession}" for p in self.cotitulaires]
        people += [f"{d.name} {d.id} {d.role}" for d in self.delegataires]
        return " ".join([self.name, self.description, self.structure_name, *people])


def _days_between(start: str, end: str) -> int | None:
    try:
        return (datetime.date.fromisoformat(end) - datetime.date.fromisoformat(start)).days
    except ValueError:
        return None


def _civility(code: str | None) -> str:
    return CIVILITIES.get(code or "", code or "")


def _full_name(item: dict[str, Any]) -> str:
    return f"{item.get('firstName', '')} {item.get('lastName', '')}".strip()


def mailbox_view(
    definition: dict[str, Any], status: str, file: str | None, today: str, within_days: int
) -> MailboxView:
    """A definition (a document's spec with its name, or a normalized one from the state) as the report shows it."""
    structure = definition.get("structure") or {}
    holders = list(definition.get("cotitulaires") or [])
    names = {item["rpps"]: _full_name(item) for item in holders}
    cotitulaires = [
        PersonView(
            rpps=item["rpps"],
            name=" ".join(part for part in (_civility(item.get("civility")), _full_name(item)) if part),
            profession=(item.get("profession") or {}).get("label", "")
            + (f" ({item['specialty']['label']})" if item.get("specialty") else ""),
            principal=item.get("principal") is True,
            authentication=item.get("authentication") or "",
            nominated_by=names.get(item["nominatedBy"], item["nominatedBy"]) if item.get("nominatedBy") else None,
            nominator_rpps=item.get("nominatedBy"),
        )
        for item in holders
    ]
    delegataires = []
    for item in definition.get("delegataires") or []:
        start, end = item.get("validFrom"), item.get("validUntil")
        status_ = "scheduled" if start and start > today else "ended" if end and end < today else "in force"
        left = _days_between(today, end) if end and status_ == "in force" else None
        delegataires.append(
            DelegateView(
                id=item["id"],
                name=_full_name(item),
                role=item.get("role") or "",
                rights=tuple(item.get("rights") or ()),
                delegated_by=tuple(names.get(rpps, rpps) for rpps in item.get("delegatedBy") or ()),
                valid_from=start,
                valid_until=end,
                status=status_,
                days_left=left if left is not None and left <= within_days else None,
            )
        )
    name = str(definition["name"])
    view = MailboxView(
        name=name,
        page=f"{MAILBOX_FOLDER}/{name}.html" if PAGE_NAME.fullmatch(name) else None,
        address=str(definition.get("address", "")),
        display_name=str(definition.get("displayName") or name),
        description=str(definition.get("description") or ""),
        operator=str(definition.get("operator", "")),
        structure_kind=STRUCTURE_KINDS.get(structure.get("type", ""), str(structure.get("type", ""))),
        structure_name=str(structure.get("name", "")),
        address_lines=[str(line) for line in structure.get("addressLines") or []],
        postal_code=str(structure.get("postalCode", "")),
        city=str(structure.get("city", "")),
        usage_lines=[line.strip() for line in str(definition.get("usage", "")).splitlines() if line.strip()],
        liste_rouge=bool(definition.get("listeRouge")),
        cotitulaires=cotitulaires,
        delegataires=delegataires,
        status=status,
        file=file,
    )
    view.diagram = diagram(view)
    return view


# -- the diagram: cotitulaires on the left, the mailbox in the middle, délégataires on the right ----------

_BOX_W, _BOX_H, _GAP, _TOP, _MARGIN, _LANE = 230.0, 46.0, 14.0, 34.0, 40.0, 90.0
_MAILBOX_W, _MAILBOX_H = 300.0, 60.0
_LABEL_MAX = 30


def _short(text: str, limit: int = _LABEL_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _curve(x1: float, y1: float, x2: float, y2: float) -> str:
    bend = (x2 - x1) / 2
    return f"M{x1:.1f},{y1:.1f} C{x1 + bend:.1f},{y1:.1f} {x2 - bend:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"


def diagram(view: MailboxView) -> Diagram:
    left_x = _MARGIN
    mailbox_x = left_x + _BOX_W + _LANE
    right_x = mailbox_x + _MAILBOX_W + _LANE
    width = right_x + _BOX_W + 10
    rows = max(len(view.cotitulaires), len(view.delegataires), 1)
    content = rows * _BOX_H + (rows - 1) * _GAP
    height = _TOP + max(content, _MAILBOX_H) + 12

    def column(count: int, index: int) -> float:  # each column centred on the content's height
        used = count * _BOX_H + (count - 1) * _GAP
        return _TOP + (max(content, _MAILBOX_H) - used) / 2 + index * (_BOX_H + _GAP)

    mailbox = Box(
        mailbox_x,
        _TOP + (max(content, _MAILBOX_H) - _MAILBOX_H) / 2,
        _MAILBOX_W,
        _MAILBOX_H,
        "mailbox",
        _short(view.display_name, 38),
        _short(view.address, 41),
        f"{view.display_name} <{view.address}>",
    )
    boxes = [mailbox]
    edges: list[Edge] = []
    holder_boxes: dict[str, Box] = {}
    for index, person in enumerate(view.cotitulaires):
        kind = "principal" if person.principal else "cotitulaire"
        detail = (_("principal") + " · " if person.principal else "") + person.profession
        box = Box(
            left_x,
            column(len(view.cotitulaires), index),
            _BOX_W,
            _BOX_H,
            kind,
            _short(person.name),
            _short(detail, 34),
            f"{person.name}, RPPS {person.rpps}, {detail}",
        )
        boxes.append(box)
        holder_boxes[person.rpps] = box
        edges.append(
            Edge(
                _curve(box.x + box.width, box.middle_y, mailbox.x, mailbox.middle_y),
                kind,
                (
                    _("{name} holds the mailbox (principal)") if person.principal else _("{name} holds the mailbox")
                ).format(name=person.name),
            )
        )
    by_rpps = {person.rpps: person for person in view.cotitulaires}
    for person in view.cotitulaires:
        nominator = by_rpps.get(person.nominator_rpps or "")
        if nominator is None or nominator.rpps == person.rpps:
            continue
        start, end = holder_boxes[nominator.rpps], holder_boxes[person.rpps]
        reach = 14 + 6 * min(abs(end.y - start.y) / (_BOX_H + _GAP), 4)
        edges.append(
            Edge(
                f"M{start.x:.1f},{start.middle_y:.1f} C{start.x - reach:.1f},{start.middle_y:.1f} "
                f"{end.x - reach:.1f},{end.middle_y:.1f} {end.x:.1f},{end.middle_y:.1f}",
                "nominated",
                _("{nominator} named {name} cotitulaire").format(nominator=nominator.name, name=person.name),
            )
        )
    for index, delegate in enumerate(view.delegataires):
        rights = " + ".join(delegate.rights)
        detail = " · ".join(part for part in (rights, delegate.role) if part)
        extra = "inactive" if delegate.status != "in force" else "ending" if delegate.days_left is not None else ""
        if delegate.valid_until and delegate.status == "in force":
            detail = _("{rights} · until {end}").format(rights=rights, end=delegate.valid_until)
        elif delegate.status != "in force":
            detail = _("{status}: {start} to {end}").format(
                status=delegate.status_label, start=delegate.valid_from or "…", end=delegate.valid_until or "…"
            )
        box = Box(
            right_x,
            column(len(view.delegataires), index),
            _BOX_W,
            _BOX_H,
            "delegataire",
            _short(delegate.name),
            _short(detail, 34),
            _("{name} ({id}), {role}: {rights}; delegated by {holders}").format(
                name=delegate.name,
                id=delegate.id,
                role=delegate.role or "délégataire",
                rights=rights,
                holders=", ".join(delegate.delegated_by),
            ),
            extra,
        )
        boxes.append(box)
        edges.append(
            Edge(
                _curve(mailbox.x + mailbox.width, mailbox.middle_y, box.x, box.middle_y),
                "delegate" + (" inactive" if extra == "inactive" else ""),
                _("{name} may {rights} by delegation").format(
                    name=delegate.name, rights=_(" and ").join(delegate.rights)
                ),
            )
        )
    columns = [(left_x + _BOX_W / 2, _("Cotitulaires")), (mailbox_x + _MAILBOX_W / 2, _("Mailbox"))]
    if view.delegataires:
        columns.append((right_x + _BOX_W / 2, _("Délégataires")))
    else:
        width = mailbox_x + _MAILBOX_W + 10
    return Diagram(width, height, boxes, edges, columns)


# -- pages -------------------------------------------------------------------------------------------------


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


@dataclass(frozen=True)
class Site:
    """The pages of the report, by path relative to its folder."""

    pages: dict[str, str]


def render_site(context: dict[str, Any], mailboxes: list[MailboxView], project_templates: Path | None) -> Site:
    env = environment(project_templates, autoescape=True)
    with template_problems("report/style.css.j2"):
        style = env.get_template("report/style.css.j2").render()
    with template_problems("report/search.js.j2"):
        script = env.get_template("report/search.js.j2").render()
    policy = (
        "default-src 'none'; "
        f"style-src {_csp_hash(style)}; script-src {_csp_hash(script)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    shared = {
        **context,
        "style": markupsafe.Markup(style),  # the template's own text, hashed into the policy
        "script": markupsafe.Markup(script),
        "csp": policy,
        "statuses": STATUSES,
        "language": language(),  # <html lang>: the language the pages are written in
    }
    pages: dict[str, str] = {}
    with template_problems("report/index.html.j2"):
        pages["index.html"] = env.get_template("report/index.html.j2").render(shared, mailboxes=mailboxes, root="")
    with template_problems("report/mailbox.html.j2"):
        template = env.get_template("report/mailbox.html.j2")
        for mailbox in mailboxes:
            if mailbox.page is not None:
                pages[mailbox.page] = template.render(shared, m=mailbox, root="../")
    return Site(pages)
