"""Questions on a terminal for `balprov new`, through click: a bad answer is said and asked again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import click

Check = Callable[[str], str | None]  # the problem with an answer, or None


class Prompter(Protocol):
    def ask(self, question: str, *, default: str | None = None, check: Check | None = None) -> str:
        """An answer that passes `check`; with a `default`, an empty answer takes it ('' allows none)."""
        ...

    def confirm(self, question: str, *, default: bool = False) -> bool: ...

    def say(self, text: str) -> None: ...


class ClickPrompter:
    """Questions and answers on the terminal's stderr, so stdout stays the command's output."""

    def ask(self, question: str, *, default: str | None = None, check: Check | None = None) -> str:
        def convert(value: str) -> str:
            value = value.strip()
            problem = check(value) if check is not None and (value or default != "") else None
            if problem:
                raise click.BadParameter(problem)
            return value

        answer: str = click.prompt(question, default=default, show_default=bool(default), value_proc=convert, err=True)
        return answer

    def confirm(self, question: str, *, default: bool = False) -> bool:
        return click.confirm(question, default=default, err=True)

    def say(self, text: str) -> None:
        click.echo(text, err=True)
