"""click in the user's language: its own words (Usage:, Error: …) and balprov's help texts.

click builds its messages with `from gettext import gettext as _` in each of its modules, reading the
system's `messages` domain, which has no balprov catalog: `route_click_messages` points those module-level
names at `balprov.i18n`, whose functions read the current language when called, so one call at start-up is
enough whatever `--lang` later chooses. The msgids of click that a user of balprov can meet are listed in
`_click_messages` below, so that `make messages` puts them in our catalogs like any other message (Babel
does not read click's source); a click upgrade that rewords one shows up as an English word in French output,
never as an error.

balprov's own help texts are marked with `N_()` (click reads them when the module is imported, before the
language is known) and translated when help is shown, by `TranslatedCommand` and `TranslatedGroup`.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
from collections.abc import Iterable, Iterator
from typing import Any

import click

from balprov.i18n import N_, _, ngettext

# click's modules whose messages users read (click._termui_impl: the progress bar and pager)
_CLICK_MODULES = (
    "click.core",
    "click.exceptions",
    "click.formatting",
    "click.decorators",
    "click.parser",
    "click.types",
    "click.termui",
    "click.utils",
    "click._termui_impl",
)
_HELP_ATTRIBUTES = ("help", "short_help", "epilog")


def route_click_messages() -> None:
    """Make click's `_` and `ngettext` those of balprov.i18n (idempotent; the language is read per call)."""
    for name in _CLICK_MODULES:
        with contextlib.suppress(ImportError):  # a module a future click drops is simply not translated
            module = importlib.import_module(name)
            names = vars(module)
            if "_" in names:
                names["_"] = _
            if "ngettext" in names:
                names["ngettext"] = ngettext


def translate_help(text: str) -> str:
    """A help text in the current language. The catalog holds command docstrings as click shows them
    (dedented, `inspect.cleandoc`); one-line option helps are the same either way."""
    if not text:
        return text
    translated = _(text)
    if translated == text:
        cleaned = inspect.cleandoc(text)
        translated = _(cleaned)
    return translated


@contextlib.contextmanager
def _translated(objects: Iterable[Any]) -> Iterator[None]:
    """The help texts of these commands and options translated while click formats them, then restored
    (the objects live for the whole process: the next `--lang` must find the English msgids)."""
    saved: list[tuple[Any, str, str]] = []
    try:
        for obj in objects:
            for attribute in _HELP_ATTRIBUTES:
                value = getattr(obj, attribute, None)
                if isinstance(value, str) and value:
                    saved.append((obj, attribute, value))
                    setattr(obj, attribute, translate_help(value))
        yield
    finally:
        for obj, attribute, value in saved:
            setattr(obj, attribute, value)


class TranslatedCommand(click.Command):
    """A command whose help, short help and options' help are shown in the current language."""

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # click builds --help once per command with `_("Show this message and exit.")` of that moment and keeps
        # it: put the English msgid back, so that it is translated in the language of this display
        help_option = self.get_help_option(ctx)
        if help_option is not None:
            help_option.help = N_("Show this message and exit.")
        with _translated([self, *self.get_params(ctx)]):
            super().format_help(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        with _translated([self]):
            return super().get_short_help_str(limit)


class TranslatedGroup(TranslatedCommand, click.Group):
    """A group of translated commands; its sub-commands and sub-groups are translated too."""

    command_class = TranslatedCommand
    group_class = type  # sub-groups are TranslatedGroups


def _click_messages() -> None:  # pragma: no cover - never called: it only marks click's msgids for the catalog
    (
        N_("Aborted!"),  # click.core
        N_("deprecated"),  # click.core
        N_("Options"),  # click.core
        N_("Positional arguments"),  # click.core
        ngettext("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})", 1),  # click.core
        N_("Commands"),  # click.core
        N_("Missing command."),  # click.core
        ngettext(
            "Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given.", 1
        ),  # click.core
        N_("env var: {var}"),  # click.core
        N_("default: {default}"),  # click.core
        N_("(dynamic)"),  # click.core
        ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)", 1),  # click.exceptions
        N_("Error: {message}"),  # click.exceptions
        N_("Try '{command} {option}' for help."),  # click.exceptions
        N_("Invalid value: {message}"),  # click.exceptions
        N_("Invalid value for {param_hint}: {message}"),  # click.exceptions
        N_("Missing argument"),  # click.exceptions
        N_("Missing option"),  # click.exceptions
        N_("Missing parameter"),  # click.exceptions
        N_("Missing {param_type}"),  # click.exceptions
        N_("Missing parameter: {param_name}"),  # click.exceptions
        N_("No such option {name!r}."),  # click.exceptions
        N_("No such command {name!r}."),  # click.exceptions
        N_("unknown error"),  # click.exceptions
        N_("Could not open file {filename!r}: {message}"),  # click.exceptions
        N_("Usage:"),  # click.formatting
        N_("Do you want to continue?"),  # click.decorators
        N_("Confirm the action without prompting."),  # click.decorators
        N_("%(prog)s, version %(version)s"),  # click.decorators
        N_("Show the version and exit."),  # click.decorators
        N_("Show this message and exit."),  # click.decorators
        N_("Argument {name!r} takes {nargs} values."),  # click.parser
        N_("Option {name!r} does not take a value."),  # click.parser
        ngettext(
            "Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments.", 1
        ),  # click.parser
        N_("Choose from:\n\t{choices}"),  # click.types
        ngettext("{value!r} is not {choice}.", "{value!r} is not one of {choices}.", 1),  # click.types
        ngettext(
            "{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}.", 1
        ),  # click.types
        N_("{value!r} is not a valid {number_type}."),  # click.types
        N_("{value} is not in the range {range}."),  # click.types
        N_("{value!r} is not a valid boolean. Recognized values: {states}"),  # click.types
        N_("{value!r} is not a valid UUID."),  # click.types
        N_("file"),  # click.types
        N_("directory"),  # click.types
        N_("path"),  # click.types
        N_("{name} {filename!r} does not exist."),  # click.types
        N_("{name} {filename!r} is a file."),  # click.types
        N_("{name} {filename!r} is a directory."),  # click.types
        N_("{name} {filename!r} is not readable."),  # click.types
        N_("{name} {filename!r} is not writable."),  # click.types
        N_("{name} {filename!r} is not executable."),  # click.types
        ngettext(
            "{len_type} values are required, but {len_value} was given.",
            "{len_type} values are required, but {len_value} were given.",
            1,
        ),  # click.types
        N_("Repeat for confirmation"),  # click.termui
        N_("Error: The two entered values do not match."),  # click.termui
        N_("Error: invalid input"),  # click.termui
        N_("Press any key to continue..."),  # click.termui
    )
