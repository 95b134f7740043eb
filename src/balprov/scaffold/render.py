"""The scaffolds' files through Jinja2 templates (sandboxed), with the YAML-quoting filters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from balprov.rendering.environment import environment
from balprov.rendering.template_errors import template_problems
from balprov.scaffold.yaml_text import yaml_block, yaml_str


def scaffold_environment(project_templates: Path | None) -> jinja2.Environment:
    env = environment(project_templates)
    env.filters["yaml_str"] = yaml_str
    env.filters["yaml_block"] = yaml_block
    return env


def render(name: str, context: dict[str, Any], project_templates: Path | None = None) -> str:
    """`templates/<name>`, a project's own version first; a failing project template is a ConfigError."""
    env = scaffold_environment(project_templates)
    with template_problems(name):
        return env.get_template(name).render(context)
