"""balprov run in-process as the console script runs it: exit code, stdout and stderr (one helper for the
test folders that drive the command line without a subprocess)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pytest

from balprov.cli import main


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def both(self) -> str:
        return self.out + self.err


Run = Callable[..., Result]


def run_in_process(capsys: pytest.CaptureFixture[str], args: Sequence[str]) -> Result:
    capsys.readouterr()
    try:
        main(list(args))
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    else:  # pragma: no cover - main always exits
        code = 0
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)
