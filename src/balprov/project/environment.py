"""`${VAR}` references to the environment in balprov.yaml, resolved when the settings are loaded.

Secrets (a state DSN's password, a provider's credentials) never live in the repository: any string
value of balprov.yaml may hold `${NAME}` references, replaced by the environment variable NAME when the
file is loaded. `$${` writes a literal `${`; a `$` anywhere else is kept as it is. A reference to a
variable that is not set, or a malformed one, is a configuration error naming the file, the line and
the variable (never its value). Keys are not interpolated, only values.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from balprov.errors import ConfigError
from balprov.i18n import N_, _

_REFERENCE = re.compile(r"\$\$\{|\$\{(?P<body>[^}]*)(?P<close>\})?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_HINT = N_("write $${ for a literal ${")  # translated where it is shown

Locate = Callable[[str], tuple[int, int]]  # a JSON pointer to its 1-based line and column


@dataclass(slots=True)
class Interpolated:
    """The settings with every reference replaced, and where substitutions happened."""

    data: Any
    substituted: dict[str, str] = field(default_factory=dict)  # JSON pointer -> the resolved string

    def hide(self, pointer: str, message: str) -> str:
        """`message` about the value at `pointer`, without any value under it that came from the environment
        (a message about a mapping may quote the whole mapping)."""
        values = [
            value for where, value in self.substituted.items() if where == pointer or where.startswith(pointer + "/")
        ]
        for value in values:
            message = message.replace(repr(value), _("the value substituted from the environment"))
        if any(value and value in message for value in values):
            return _("a value substituted from the environment is not valid here")
        return message


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def interpolate(data: Any, name: str, locate: Locate, environ: Mapping[str, str] | None = None) -> Interpolated:
    """Replace `${VAR}` in every string value of `data` (a loaded balprov.yaml called `name`)."""
    env = os.environ if environ is None else environ
    result = Interpolated(data=None)

    def walk(value: Any, pointer: str) -> Any:
        if isinstance(value, str):
            if "$" not in value:
                return value
            resolved = _resolve(value, pointer, name, locate, env)
            if resolved != value:
                result.substituted[pointer] = resolved
            return resolved
        if isinstance(value, dict):
            return {key: walk(item, f"{pointer}/{_escape(str(key))}") for key, item in value.items()}
        if isinstance(value, list):
            return [walk(item, f"{pointer}/{index}") for index, item in enumerate(value)]
        return value

    result.data = walk(data, "")
    return result


def _resolve(text: str, pointer: str, name: str, locate: Locate, env: Mapping[str, str]) -> str:
    def fail(problem: str) -> ConfigError:
        line, column = locate(pointer)
        return ConfigError(f"{name}:{line}:{column}: {problem}")

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$${":
            return "${"
        body, closed = match.group("body"), match.group("close") is not None
        if not closed:
            raise fail(_("unterminated environment reference ${{ (close it with }}, or {hint})").format(hint=_(_HINT)))
        if not _NAME.match(body):
            raise fail(
                _(
                    "invalid environment reference ${{{name}}}: a variable name is letters, digits and _, "
                    "not starting with a digit ({hint})"
                ).format(name=body, hint=_(_HINT))
            )
        found = env.get(body)
        if found is None:
            raise fail(
                _("environment variable {name} is not set (referenced as ${{{name}}}); set it, or {hint}").format(
                    name=body, hint=_(_HINT)
                )
            )
        return found

    return _REFERENCE.sub(replace, text)
