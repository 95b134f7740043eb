"""A problem found while reading a file, before it is tied to a file name and a severity."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    line: int
    column: int
    rule: str
    message: str
    path: str = ""
