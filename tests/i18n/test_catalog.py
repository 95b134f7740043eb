"""The French catalog is complete, faithful to its placeholders, and compiled: every message marked in
src/balprov and the templates has a French translation (not empty, not fuzzy), each translation keeps the
placeholders of its English text, and the committed balprov.mo is exactly what `make messages` compiles
from balprov.po (so nobody forgets to run it)."""

from __future__ import annotations

import importlib.util
import io
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parents[2]
PO = REPO / "src" / "balprov" / "locale" / "fr" / "LC_MESSAGES" / "balprov.po"
MO = PO.with_suffix(".mo")

# {name}, {name!r}, {count:,}, {} — not {{ (a literal brace); %(name)s, %(count)d
_BRACE = re.compile(r"(?<!\{)\{(\w*)(?:![rsa])?(?::[^{}]*)?\}")
_PERCENT = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifr]")


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("balprov_messages_script", REPO / "scripts" / "messages.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def script() -> ModuleType:
    return _load_script()


@pytest.fixture(scope="module")
def template(script: ModuleType) -> Catalog:
    catalog: Catalog = script.extract()
    return catalog


@pytest.fixture(scope="module")
def french() -> Catalog:
    with PO.open("rb") as handle:
        return read_po(handle, locale="fr", domain="balprov")


def placeholders(text: str) -> set[str]:
    return {"{" + name + "}" for name in _BRACE.findall(text)} | {"%(" + n + ")" for n in _PERCENT.findall(text)}


def _where(message: Message) -> str:
    return ", ".join(f"{file}:{line}" for file, line in message.locations[:2])


def test_the_catalog_has_the_plural_rule_of_french(french: Catalog) -> None:
    assert french.plural_forms == "nplurals=2; plural=(n > 1);"


def test_every_message_has_a_french_translation(template: Catalog, french: Catalog) -> None:
    missing = []
    for message in template:
        if not message.id:
            continue
        translated = french.get(message.id)
        strings = () if translated is None else (translated.string if message.pluralizable else (translated.string,))
        if translated is None or translated.fuzzy or not strings or not all(strings):
            missing.append(f"{_where(message)}: {message.id!r}")
    assert not missing, f"{len(missing)} message(s) without French (run `make messages`, then translate):\n" + (
        "\n".join(missing)
    )


def test_no_translation_is_left_for_a_message_that_is_gone(template: Catalog, french: Catalog) -> None:
    extracted = {message.id if isinstance(message.id, str) else message.id[0] for message in template if message.id}
    stale = [m.id for m in french if m.id and (m.id if isinstance(m.id, str) else m.id[0]) not in extracted]
    assert not stale, f"obsolete entries in balprov.po (run `make messages`): {stale}"


def test_translations_keep_the_placeholders(french: Catalog) -> None:
    wrong = []
    for message in french:
        if not message.id or not message.string:
            continue
        ids = (message.id,) if isinstance(message.id, str) else tuple(message.id)
        strings = (message.string,) if isinstance(message.string, str) else tuple(message.string)
        if not any(strings):
            continue  # untranslated: the completeness test names it
        wanted = set().union(*(placeholders(text) for text in ids))
        found = set().union(*(placeholders(text) for text in strings))
        if isinstance(message.id, str):
            problem = placeholders(message.string) != wanted  # type: ignore[arg-type]
        else:  # a plural form may leave out a placeholder (the singular says "1"), never add one
            problem = found != wanted or any(not placeholders(text) <= wanted for text in strings)
        # click's help paragraphs marked \b (no rewrapping) must stay marked in the translation
        problem = problem or sum(t.count("\b") for t in ids[:1]) != sum(t.count("\b") for t in strings[:1])
        if problem:
            wrong.append(f"{message.id!r}: {sorted(wanted)} -> {strings!r}")
    assert not wrong, "translations whose placeholders differ from the English:\n" + "\n".join(wrong)


def test_the_committed_mo_is_the_compiled_po(script: ModuleType, french: Catalog) -> None:
    compiled = script.mo_bytes(read_po(io.BytesIO(PO.read_bytes()), locale="fr", domain="balprov"))
    assert MO.read_bytes() == compiled, "balprov.mo is not the compiled balprov.po: run `make messages`"


def test_the_po_is_written_as_make_messages_writes_it(script: ModuleType, template: Catalog) -> None:
    """Sorted, without locations: a stable file, so that a diff shows only real changes."""
    assert PO.read_bytes() == script.po_bytes(script.updated("fr", template)), "run `make messages`"


def test_the_wheel_ships_the_compiled_catalog() -> None:
    """hatch packages src/balprov whole: the .mo sits inside the package, where balprov.i18n reads it."""
    from balprov import i18n

    assert (i18n.LOCALE_DIR / "fr" / "LC_MESSAGES" / "balprov.mo").is_file()
