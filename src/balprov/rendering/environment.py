"""The Jinja2 environment: shipped templates, overridable by a project's own `templates/` folder.

Templates from a repository come from pull requests, so they render in Jinja2's sandbox: no access to
Python internals, and nothing but the values handed to them (no environment, no files).
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from balprov.resources import data_dir


def environment(project_templates: Path | None, *, autoescape: bool = False) -> jinja2.Environment:
    folders = [str(data_dir("templates"))]
    if project_templates is not None and project_templates.is_dir():
        folders.insert(0, str(project_templates))
    return ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader(folders),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
