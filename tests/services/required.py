"""What a test needs from the machine (a server, a browser, a tool): where it is missing, the test is skipped
with how to get it on a developer's machine, and fails in CI (CI=true), where `make test` installs all of it."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def missing(message: str, in_ci: str = "never skipped") -> NoReturn:
    """Skip with `message`, or fail with it (and `in_ci`, what CI should have done) when CI=true."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message} (CI=true: {in_ci})", pytrace=False)
    pytest.skip(message)
