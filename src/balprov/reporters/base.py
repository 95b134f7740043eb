from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar, TextIO

from balprov.validation import ValidationReport


@dataclass(frozen=True)
class ReporterSettings:
    color: bool = False
    strict: bool = False  # warnings count as errors


class Reporter(ABC):
    name: ClassVar[str]

    def __init__(self, settings: ReporterSettings) -> None:
        self.settings = settings

    @abstractmethod
    def render(self, report: ValidationReport, out: TextIO) -> None: ...
