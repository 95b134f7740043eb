"""A project's template that fails (syntax, sandbox, undefined value) as the user's message, not a crash."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import jinja2

from balprov.errors import ConfigError
from balprov.i18n import _


@contextmanager
def template_problems(name: str) -> Iterator[None]:
    """Around `get_template` + `render` of `name`: a jinja2 error becomes a ConfigError (exit 2) naming it."""
    try:
        yield
    except jinja2.TemplateSyntaxError as error:
        where = f"{error.filename or name}:{error.lineno}"
        raise ConfigError(_("template {where}: {error}").format(where=where, error=error.message)) from None
    except jinja2.TemplateError as error:
        raise ConfigError(
            _("template {name}: {kind}: {error}").format(name=name, kind=type(error).__name__, error=error)
        ) from None
