"""The message catalogs: extract, update, compile (`make messages`).

English is written in the source; every other language has a catalog under
`src/balprov/locale/<lang>/LC_MESSAGES/balprov.po`, the source of truth that translators edit, and its
compiled `balprov.mo` next to it (committed: the package reads it at run time with the standard library's
gettext, so installing balprov needs no build step).

    python scripts/messages.py            # extract, update every .po, compile every .mo
    python scripts/messages.py --check    # exit 1 if a .po or .mo is not what the command above would write
    python scripts/messages.py --merge other.po   # take other.po's translations first (then as above)

Messages are found with Babel in `src/balprov/**.py` (the keywords `_`, `N_` and `ngettext` of
`balprov.i18n`) and in the human-facing templates (`templates/plan`, `annuaire`, `report`: `{% trans %}`
blocks and `_()` calls); the docstrings of the click commands (their help) and the descriptions of
schemas/cabinet.schema.json that validation messages quote are added to them. The .po files are written
sorted by msgid, without source locations, so that a diff shows only messages that were really added,
removed or retranslated; new messages arrive with an empty translation (the completeness test, tests/i18n,
fails until someone writes it), obsolete ones are dropped.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from balprov import __version__

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "src" / "balprov"
TEMPLATES = REPO / "templates"
SCHEMAS = REPO / "schemas"
LOCALE = PACKAGE / "locale"
DOMAIN = "balprov"

# gettext keywords: the name, and which arguments are messages (None: the first)
KEYWORDS: dict[str, tuple[int, ...] | None] = {"_": None, "N_": None, "ngettext": (1, 2), "gettext": None}
# Only the templates people read in their language; notices/fr are French documents already, and init, new and
# ldap write YAML files whose words are the file format's.
TEMPLATE_FOLDERS = ("plan", "annuaire", "report")
JINJA_OPTIONS = {
    "extensions": "jinja2.ext.i18n",
    "trim_blocks": "True",
    "lstrip_blocks": "True",
    "newstyle_gettext": "True",
}


def _messages(
    folder: Path, method_map: list[tuple[str, str]], options: dict[str, dict[str, str]]
) -> Iterator[tuple[str, int, str | tuple[str, ...], list[str], str | None]]:
    yield from extract_from_dir(str(folder), method_map, options, keywords=KEYWORDS, strip_comment_tags=True)


def command_docstrings(path: Path) -> Iterator[tuple[int, str]]:
    """The docstrings of click commands and groups (functions decorated with `….command(…)` or `….group(…)`),
    as click shows them: cleaned with `inspect.cleandoc` (see balprov.cli_i18n.translate_help). They are
    the commands' help, so they are messages even though no `_()` marks them."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            call = decorator.func if isinstance(decorator, ast.Call) else decorator
            if isinstance(call, ast.Attribute) and call.attr in ("command", "group"):
                docstring = ast.get_docstring(node, clean=False)
                if docstring:
                    yield node.lineno, inspect.cleandoc(docstring)
                break


def schema_descriptions(path: Path) -> Iterator[str]:
    """The descriptions of a JSON Schema's nodes that `balprov.validation.schema_check` quotes in its messages
    (those of `enum`, `pattern` and `const` nodes: "… is not valid here: <description>")."""

    def walk(node: object) -> Iterator[str]:
        if isinstance(node, dict):
            description = node.get("description")
            if isinstance(description, str) and any(key in node for key in ("enum", "pattern", "const")):
                yield description
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    yield from walk(json.loads(path.read_text(encoding="utf-8")))


def extract() -> Catalog:
    """Every marked message of the package and the templates, in one template catalog."""
    template = Catalog(project="balprov", domain=DOMAIN, fuzzy=False)
    sources: list[tuple[Path, str, list[tuple[str, str]], dict[str, dict[str, str]]]] = [
        (PACKAGE, "src/balprov", [("**.py", "python")], {}),
    ]
    cli = PACKAGE / "cli.py"
    for lineno, docstring in command_docstrings(cli):
        template.add(docstring, None, [("src/balprov/cli.py", lineno)])
    for description in schema_descriptions(SCHEMAS / "cabinet.schema.json"):
        template.add(description, None, [("schemas/cabinet.schema.json", 0)])
    for name in TEMPLATE_FOLDERS:
        sources.append((TEMPLATES / name, f"templates/{name}", [("**.j2", "jinja2")], {"**.j2": JINJA_OPTIONS}))
    for folder, prefix, method_map, options in sources:
        for filename, lineno, message, comments, context in _messages(folder, method_map, options):
            template.add(message, None, [(f"{prefix}/{filename}", lineno)], auto_comments=comments, context=context)
    return template


def languages() -> list[str]:
    return sorted(p.name for p in LOCALE.iterdir() if (p / "LC_MESSAGES" / f"{DOMAIN}.po").is_file())


def read(language: str) -> Catalog:
    with (LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def po_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    # no locations, no line wrapping beyond 120: stable, readable diffs
    write_po(buffer, catalog, width=120, no_location=True, omit_header=False, sort_output=True, include_previous=False)
    return buffer.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def updated(language: str, template: Catalog) -> Catalog:
    """The language's catalog with the template's msgids: new ones empty, obsolete ones dropped."""
    catalog = read(language)
    # no fuzzy guesses: a new message is translated by a person, never pre-filled from a look-alike
    catalog.update(template, no_fuzzy_matching=True, update_header_comment=False, update_creation_date=False)
    catalog.obsolete.clear()
    catalog.project, catalog.version = "balprov", __version__  # "Project-Id-Version: balprov 0.1.0"
    return catalog


def merge(path: Path) -> None:
    """Copy the non-empty, non-fuzzy translations of `path` (a .po written by someone else, e.g. a part of the
    work translated apart) into its language's catalog, replacing what was there for the same msgid."""
    with path.open("rb") as handle:
        incoming = read_po(handle)
    language = str(incoming.locale or "fr")
    catalog = read(language)
    count = 0
    for message in incoming:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not message.id or message.fuzzy or not all(strings):
            continue
        existing = catalog.get(message.id)
        if existing is None:
            catalog[message.id] = message
        else:
            existing.string = message.string
            existing.flags.discard("fuzzy")
        count += 1
    (LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po").write_bytes(po_bytes(catalog))
    print(f"{path}: {count} translations merged into {language}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Extract, update and compile balprov's message catalogs.")
    parser.add_argument("--check", action="store_true", help="only check that the catalogs are up to date")
    parser.add_argument(
        "--merge",
        metavar="PO",
        type=Path,
        action="append",
        default=[],
        help="take the translations of this .po (its Language header says which catalog) first; repeatable",
    )
    args = parser.parse_args(argv)
    for path in args.merge:
        merge(path)
    template = extract()
    stale = []
    for language in languages():
        folder = LOCALE / language / "LC_MESSAGES"
        catalog = updated(language, template)
        po, mo = po_bytes(catalog), mo_bytes(read_po(io.BytesIO(po_bytes(catalog)), locale=language, domain=DOMAIN))
        for path, content in ((folder / f"{DOMAIN}.po", po), (folder / f"{DOMAIN}.mo", mo)):
            if path.is_file() and path.read_bytes() == content:
                continue
            stale.append(path)
            if not args.check:
                path.write_bytes(content)
        untranslated = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
        print(f"{language}: {len([m for m in catalog if m.id])} messages, {len(untranslated)} untranslated")
    for path in stale:
        print(f"{'out of date' if args.check else 'written'}: {path.relative_to(REPO)}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
