"""The Jinja2 environment: shipped templates, overridable by a project's own `templates/` folder.

Templates from a repository come from pull requests, so they render in Jinja2's sandbox: no access to
Python internals, and nothing but the values handed to them (no environment, no files).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from balprov.errors import ConfigError
from balprov.resources import data_dir


class _ContainedLoader(jinja2.FileSystemLoader):
    """A template is read only if its real path is inside the (real) folder it was found in: a pull request
    could otherwise add `templates/plan/markdown.j2 -> /proc/self/environ` and have the plan comment
    print CI's environment (the sandbox guards what a template *does*, not where its text comes from)."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        source, filename, uptodate = super().get_source(environment, template)
        real = os.path.realpath(filename)
        if not any(real.startswith(os.path.realpath(folder) + os.sep) for folder in self.searchpath):
            raise ConfigError(f"template {template}: a symbolic link to a file outside the templates folder: not read")
        return source, filename, uptodate


def environment(project_templates: Path | None, *, autoescape: bool = False) -> jinja2.Environment:
    folders = [str(data_dir("templates"))]
    if project_templates is not None and project_templates.is_dir():
        real = os.path.realpath(project_templates)
        if not real.startswith(os.path.realpath(project_templates.parent) + os.sep):
            raise ConfigError(f"{project_templates}: a symbolic link to a folder outside the repository: not read")
        folders.insert(0, str(project_templates))
    return ImmutableSandboxedEnvironment(
        loader=_ContainedLoader(folders),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
