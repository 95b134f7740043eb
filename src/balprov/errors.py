"""Errors whose message is the user's message (the pip-tools way).

Each class carries the exit code the contract gives it, so the command line never has to guess.
"""

from __future__ import annotations


class BalprovError(Exception):
    """A problem the user can act on; `str(error)` is what they read."""

    exit_code = 1


class UsageError(BalprovError):
    """A command was called with arguments that cannot work (a missing path, a bad option value)."""

    exit_code = 2


class ConfigError(BalprovError):
    """`balprov.yaml` is missing, unreadable or invalid."""

    exit_code = 2
