"""`balprov annuaire check`'s report as text (terminal), markdown (a CI summary or an issue) or json.

Text and markdown come from `templates/annuaire/{text,markdown}.j2`, which a project may override in
its own `templates/annuaire/`; json is the report's `as_json()` shape, not templated.
"""

from __future__ import annotations

import json
from pathlib import Path

from balprov.exports.check import CheckReport
from balprov.formats import CHECK_FORMATS as CHECK_FORMATS
from balprov.rendering.environment import environment
from balprov.rendering.template_errors import template_problems

_TEMPLATES = {"text": "annuaire/text.j2", "markdown": "annuaire/markdown.j2"}


def _number(value: int) -> str:
    return f"{value:,}"


def _cell(text: str) -> str:
    """A value inside a Markdown table cell: no HTML, no column break, no line break."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|").replace("\n", " ")


def render_check(report: CheckReport, output_format: str, project_templates: Path | None) -> str:
    if output_format == "json":
        return json.dumps(report.as_json(), ensure_ascii=False, indent=2) + "\n"
    env = environment(project_templates)
    env.filters["number"] = _number
    env.filters["cell"] = _cell
    context = {
        "report": report,
        "counts": report.counts,
        "agreeing": [m for m in report.mailboxes if m.agrees],
        "disagreeing": [m for m in report.mailboxes if not m.agrees],
    }
    with template_problems(_TEMPLATES[output_format]):
        return env.get_template(_TEMPLATES[output_format]).render(context)
