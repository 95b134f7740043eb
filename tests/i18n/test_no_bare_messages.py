"""No user-facing sentence escapes the catalog: an AST lint of every module of the package.

A *sink* is a place whose text a user reads: a rule's `Finding(path, message)`, a loader's
`Problem(line, column, rule, message)`, an exception raised with its message, `click.echo`, a `.write()` to a
stream, click's `self.fail` and `BadParameter`, a prompt, and every `help=`. A sink whose message is a plain
string literal, an f-string, a `"…".format()` or a `+` of those, holding words, fails here: it must go through
`_()` (or `N_()` where it is marked now and translated later, `ngettext()` for counts). Text without words
(`"\\n"`, `"{}: {}"`, `f"{file}:{line}"`) is no message and passes.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "balprov"

_WORD = re.compile(r"[^\W\d_]{2,}")
_TRANSLATED = {"_", "N_", "ngettext"}
# Exceptions that report a bug in balprov, never a user's mistake: English, like a traceback.
_PROGRAMMING_ERRORS = {
    "AssertionError",
    "AttributeError",
    "KeyError",
    "NotImplementedError",
    "RuntimeError",
    "StopIteration",
    "SystemExit",
    "TypeError",
}
_STREAMS = {"stdout", "stderr", "out", "err", "stream", "output", "handle"}
_CLICK_ERRORS = {"BadParameter", "UsageError", "ClickException", "BadOptionUsage", "BadArgumentUsage"}
_PROMPTS = {"say", "confirm", "ask", "prompt"}

# (file relative to src/balprov, the literal text): why it is not a message to translate.
ALLOWED: dict[tuple[str, str], str] = {
    ("commands/init.py", "  balprov validate    # "): "a command line to type; its comment is translated",
    ("commands/init.py", "  balprov plan        # "): "a command line to type; its comment is translated",
    ("commands/init.py", "  balprov apply       # "): "a command line to type; its comment is translated",
    ("commands/init.py", "  cd \n"): "a command line to type",
    ("reporters/junit.py", '<?xml version="1.0" encoding="UTF-8"?>\n'): "the XML declaration",
    ("reporters/github.py", "balprov: "): "the program's name before a translated summary",
}
# Generated code (fastjsonschema's validators, the fast path for documents that pass): their exceptions are never
# shown, a failing document is checked again by jsonschema for positioned, translated diagnostics.
GENERATED = ("compiled_schemas/",)
# Words that are names, not language: the program's name and the prefix of its messages.
_NOT_WORDS = {"balprov"}


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _texts(node: ast.expr) -> Iterator[str]:
    """The literal text of a message expression that does not go through the catalog."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.JoinedStr):
        yield "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        yield from _texts(node.left)
        if isinstance(node.op, ast.Add):
            yield from _texts(node.right)
    elif isinstance(node, ast.Call):
        if _name(node.func) in _TRANSLATED:
            return
        # "…".format(…) and "…".join(…) on a literal: the literal is the text
        if isinstance(node.func, ast.Attribute) and node.func.attr in ("format", "join"):
            yield from _texts(node.func.value)
    elif isinstance(node, ast.IfExp):
        yield from _texts(node.body)
        yield from _texts(node.orelse)


def _has_words(text: str) -> bool:
    return any(word.lower() not in _NOT_WORDS for word in _WORD.findall(text))


def _message_arguments(node: ast.Call) -> Iterator[ast.expr]:
    """The arguments of this call that users read, if it is a sink."""
    name = _name(node.func)
    keywords = {k.arg: k.value for k in node.keywords if k.arg}
    if "help" in keywords:
        yield keywords["help"]
    positional = {
        "Finding": 1,
        "Problem": 3,
        "_problem": 2,
        "echo": 0,
        "fail": 0,
        "secho": 0,
    }
    if name in positional:
        index = positional[name]
        if len(node.args) > index:
            yield node.args[index]
        if "message" in keywords:
            yield keywords["message"]
    if name in _CLICK_ERRORS and node.args:
        yield node.args[0]
    if name == "write" and isinstance(node.func, ast.Attribute) and node.args:
        receiver = _name(node.func.value)
        if receiver in _STREAMS:
            yield node.args[0]
    if name in _PROMPTS and isinstance(node.func, ast.Attribute) and node.args:
        yield node.args[0]


def _raised_messages(tree: ast.AST) -> Iterator[ast.expr]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
            name = _name(node.exc.func)
            if name[:1].isupper() and name not in _PROGRAMMING_ERRORS:
                yield node.exc.args[0]


def bare_messages(path: Path) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    relative = path.relative_to(PACKAGE).as_posix()
    arguments = [arg for node in ast.walk(tree) if isinstance(node, ast.Call) for arg in _message_arguments(node)]
    arguments += list(_raised_messages(tree))
    for argument in arguments:
        for text in _texts(argument):
            if _has_words(text) and (relative, text) not in ALLOWED:
                yield argument.lineno, text


def test_every_user_facing_message_goes_through_the_catalog() -> None:
    found = [
        f"src/balprov/{path.relative_to(PACKAGE).as_posix()}:{line}: {text!r}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if not path.relative_to(PACKAGE).as_posix().startswith(GENERATED)
        for line, text in bare_messages(path)
    ]
    assert not found, (
        f"{len(found)} message(s) not wrapped in _() / N_() / ngettext() (see balprov/i18n.py):\n" + "\n".join(found)
    )


def test_the_lint_sees_what_it_should() -> None:
    """The lint's own check: bare sentences are found, translated ones and word-less text are not."""
    source = """
raise UsageError(f"{path}: no such file")
raise UsageError(_("{path}: no such file").format(path=path))
out.write("\\n")
out.write(f"{where} {level}")
click.echo("Aborted.")
yield Finding("/spec", "no principal")
yield Finding("/spec", _("no principal"))
option = click.option("--x", help="Output format.")
option = click.option("--x", help=N_("Output format."))
raise RuntimeError("a bug")
"""
    tree = ast.parse(source)
    texts = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for argument in _message_arguments(node):
                texts += [t for t in _texts(argument) if _has_words(t)]
    texts += [t for argument in _raised_messages(tree) for t in _texts(argument) if _has_words(t)]
    # an f-string's text is its literal part; UsageError is both raised and a click error: a set
    assert set(texts) == {": no such file", "Aborted.", "no principal", "Output format."}
