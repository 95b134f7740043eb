from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from balprov.i18n import set_language

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _english_messages(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts in English whatever the machine's locale, and leaves English behind (an in-process
    `--lang fr` sets the language of the whole process). Subprocesses that tests start see a neutral locale:
    LC_ALL=C.UTF-8 (UTF-8 I/O, English messages), no LANGUAGE (it would outrank LC_ALL for gettext).
    Tests about the language override these with their own monkeypatch."""
    monkeypatch.delenv("LANGUAGE", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def repo_root() -> Path:
    return REPO
