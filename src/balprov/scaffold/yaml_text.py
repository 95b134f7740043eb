"""Values written into YAML templates safely: whatever a user types loads back as exactly that text.

`yaml_str` renders one scalar (or a list of scalars) as a YAML flow scalar through `yaml.safe_dump`, so
quotes, colons, `#`, leading `-`/`&`/`*`/`!`, `yes`/`null`/`~` and the like are quoted as YAML requires.
It is safe in block context (`key: {{ v | yaml_str }}`) and in flow collections (`{code: {{ v | yaml_str }}}`),
and never spans lines: line breaks and other control characters are escaped in double quotes. Strings that
YAML 1.2 readers (editors' language servers) would take for numbers are quoted too.

`yaml_block` renders multi-line text as a literal block (`|`) when YAML can hold it verbatim, and falls
back to `yaml_str` otherwise.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import yaml

_WIDTH = 2**31  # never fold long lines
_NUMBER_LIKE = re.compile(r"[-+]?(\.?[0-9]|\.(inf|Inf|INF|nan|NaN|NAN)\b)|0[box]")
_LINE_BREAKS = frozenset("\n\r\x85\u2028\u2029")


def _needs_escapes(text: str) -> bool:
    return any(char in _LINE_BREAKS or unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co", "Cn"} for char in text)


def _dump(text: str, style: str | None) -> str:
    dumped = yaml.safe_dump([text], default_flow_style=True, allow_unicode=True, width=_WIDTH, default_style=style)
    return dumped.rstrip("\n")


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    # Line breaks and control characters escaped; would-be numbers quoted for YAML 1.2 readers too.
    inner = _dump(text, '"' if _needs_escapes(text) or _NUMBER_LIKE.match(text) else None)
    if inner.startswith("['"):  # quoting needed: double quotes, as the shipped examples write RPPS numbers
        inner = _dump(text, '"')
    if not (inner.startswith("[") and inner.endswith("]")) or "\n" in inner:  # pragma: no cover - PyYAML contract
        raise AssertionError(f"cannot write {text!r} as a one-line YAML scalar")
    return inner[1:-1]


def yaml_str(value: Any) -> str:
    """A scalar, or a list of scalars as a flow sequence, as one line of YAML."""
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_scalar(item) for item in value) + "]"
    return _scalar(value)


def _block_ok(text: str) -> bool:
    if not text.strip() or text.endswith("\n\n") or text[0] in " \t\n":
        return False
    if any(char in "\r\x85\u2028\u2029\ufeff" for char in text):
        return False
    lines = text.rstrip("\n").split("\n")
    for line in lines:
        if line != line.rstrip(" \t"):  # trailing blanks would be invisible in the file
            return False
        if any(char != "\t" and unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co", "Cn"} for char in line):
            return False
    return True


def yaml_block(value: Any, indent: int = 4) -> str:
    """Text as a literal block scalar whose lines are indented by `indent` spaces (for `key: {{ ... }}`);
    one line of YAML through `yaml_str` when a block cannot hold it exactly."""
    text = str(value)
    if "\n" not in text or not _block_ok(text):
        return yaml_str(text)
    header = "|" if text.endswith("\n") else "|-"
    pad = " " * indent
    body = "\n".join(pad + line if line else "" for line in text.rstrip("\n").split("\n"))
    return f"{header}\n{body}"
