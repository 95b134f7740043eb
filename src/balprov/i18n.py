"""Messages in the user's language: gettext catalogs under `balprov/locale/`, English in the source.

The language is chosen once per process, before any message is built: `--lang` if given, else the
first of LANGUAGE, LC_ALL, LC_MESSAGES and LANG that is set (gettext's own order); `C`, `POSIX` and
any language without a catalog read English. Rule slugs, JSON keys and exit codes never go through
here: only the words people read.

Usage, everywhere a user reads a sentence:

    from balprov.i18n import _, N_, ngettext
    raise UsageError(_("{path}: no such file").format(path=path))   # never an f-string inside _()
    help=N_("Output format.")                                       # marked now, translated when shown
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

DOMAIN = "balprov"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("en", "fr")  # English is the source text; every other one has a complete catalog
_ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_current: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def detect_language(environ: dict[str, str] | None = None) -> str:
    """The language the environment asks for, among LANGUAGES ('en' when none of them)."""
    env = os.environ if environ is None else environ
    for variable in _ENVIRONMENT:
        value = env.get(variable, "")
        if not value:
            continue
        # LANGUAGE may list several ("fr:en"); the locale variables hold one ("fr_FR.UTF-8")
        for entry in value.split(":"):
            code = normalize(entry)
            if code is not None:
                return code
        return "en"  # set, but to C, POSIX or a language without a catalog: gettext would stop here too
    return "en"


def normalize(value: str) -> str | None:
    """'fr_FR.UTF-8@euro' -> 'fr'; None for anything without a catalog (C, POSIX, de_DE…)."""
    code = value.split(".")[0].split("@")[0].split("_")[0].split("-")[0].strip().lower()
    return code if code in LANGUAGES else None


def set_language(code: str) -> None:
    """Use `code` ('en', 'fr', or a locale name such as 'fr_FR.UTF-8') from now on in this process."""
    global _current, _language
    language = normalize(code) or "en"
    if language == "en":
        _current = gettext.NullTranslations()
    else:
        _current = gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=False)
    _language = language


def language() -> str:
    return _language


def _(message: str) -> str:
    """The translation of `message` in the current language (the message itself in English)."""
    return _current.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return _current.ngettext(singular, plural, count)


def N_(message: str) -> str:  # the conventional name, the one extractors look for
    """Marks a message for the catalog without translating it yet (translated where it is shown)."""
    return message
