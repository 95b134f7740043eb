"""Questions on a terminal for `balprov new`, through click: a bad answer is said and asked again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import click

from balprov.i18n import _

Check = Callable[[str], str | None]  # the problem with an answer, or None


class Prompter(Protocol):
    def ask(self, question: str, *, default: str | None = None, check: Check | None = None) -> str:
        """An answer that passes `check`; with a `default`, an empty answer takes it ('' allows none)."""
        ...

    def confirm(self, question: str, *, default: bool = False) -> bool: ...

    def say(self, text: str) -> None: ...


class ClickPrompter:
    """Questions and answers on the terminal's stderr, so stdout stays the command's output."""

    # click's confirm hard-codes "[y/N]" and y/yes: these loops are click's, with every word in the user's language
    # (the error lines too, without depending on click's messages being routed to our catalog)

    def ask(self, question: str, *, default: str | None = None, check: Check | None = None) -> str:
        while True:
            answer: str = click.prompt(
                question, default=default, show_default=bool(default), value_proc=str.strip, err=True
            )
            problem = check(answer) if check is not None and (answer or default != "") else None
            if not problem:
                return answer
            click.echo(_("Error: {message}").format(message=problem), err=True)

    def confirm(self, question: str, *, default: bool = False) -> bool:
        choices = _("Y/n") if default else _("y/N")
        # English answers are understood in every language; a translation adds its own ("o|oui")
        yes = {"y", "yes", *_("y|yes").split("|")}
        no = {"n", "no", *_("n|no").split("|")}
        while True:
            answer = click.prompt(
                f"{question} [{choices}]", default="", show_default=False, value_proc=str.strip, err=True
            ).lower()
            if answer in yes:
                return True
            if answer in no:
                return False
            if answer == "":
                return default
            click.echo(_("Error: invalid input"), err=True)

    def say(self, text: str) -> None:
        click.echo(text, err=True)
