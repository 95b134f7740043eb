"""The Jinja2 environment: shipped templates, overridable by a project's own `templates/` folder.

Templates from a repository come from pull requests, so they render in Jinja2's sandbox: no access to
Python internals, and nothing but the values handed to them (no environment, no files).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, cast

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from balprov.errors import ConfigError
from balprov.i18n import _, ngettext
from balprov.resources import data_dir


class _ContainedLoader(jinja2.FileSystemLoader):
    """A template is read only if its real path is inside the (real) folder it was found in: a pull request
    could otherwise add `templates/plan/markdown.j2 -> /proc/self/environ` and have the plan comment
    print CI's environment (the sandbox guards what a template *does*, not where its text comes from)."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        source, filename, uptodate = super().get_source(environment, template)
        real = os.path.realpath(filename)
        if not any(real.startswith(os.path.realpath(folder) + os.sep) for folder in self.searchpath):
            raise ConfigError(
                _("template {template}: a symbolic link to a file outside the templates folder: not read").format(
                    template=template
                )
            )
        return source, filename, uptodate


def environment(project_templates: Path | None, *, autoescape: bool = False) -> jinja2.Environment:
    folders = [str(data_dir("templates"))]
    if project_templates is not None and project_templates.is_dir():
        real = os.path.realpath(project_templates)
        if not real.startswith(os.path.realpath(project_templates.parent) + os.sep):
            raise ConfigError(
                _("{folder}: a symbolic link to a folder outside the repository: not read").format(
                    folder=project_templates
                )
            )
        folders.insert(0, str(project_templates))
    env = ImmutableSandboxedEnvironment(
        loader=_ContainedLoader(folders),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    # `_()`, `ngettext()` and {% trans %} in templates: balprov's catalogs, in the language current when the
    # template renders (wrappers, not the functions of today's catalog). newstyle: `_("%(n)d files", n=n)`
    # formats and escapes its arguments itself.
    cast(Any, env).install_gettext_callables(_gettext, _ngettext, newstyle=True)
    return env


def _gettext(message: str) -> str:
    return _(message)


def _ngettext(singular: str, plural: str, count: int) -> str:
    return ngettext(singular, plural, count)
