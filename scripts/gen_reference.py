"""Generate the reference pages of the documentation from the code.

Every page under `reference/` is built here from what balprov itself holds: the rules from their module
docstrings (`balprov.rules.RULES`), the commands and options from click (`balprov.cli.cli`), the output
formats by running balprov on a small project, the cabinet and plan schemas from `schemas/`, the exit codes.

Used two ways:

- as an MkDocs hook (`hooks: [scripts/gen_reference.py]` in mkdocs.yml): the pages are added to the site at
  build time and never written to disk, so they cannot drift from the code;
- as a script, `python scripts/gen_reference.py [OUTDIR]`, writing the pages (default `docs/reference/`) to read
  or diff them.

Missing documentation is an error, not an empty section: a rule module without a docstring, without a summary
line or without Passing/Failing examples, and a click command or option without help, raise
`ReferenceIncomplete` (the build fails, the script exits 1), naming what is missing.
"""

from __future__ import annotations

import inspect
import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"
TODAY = "2026-11-29"

PAGES = (
    "reference/index.md",
    "reference/rules.md",
    "reference/commands.md",
    "reference/formats.md",
    "reference/cabinet-schema.md",
    "reference/plan-format.md",
    "reference/exit-codes.md",
)


class ReferenceIncomplete(Exception):
    """The code lacks documentation the reference needs."""


# --------------------------------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class RuleDoc:
    slug: str
    severity: str
    scope: str
    summary: str
    why: str
    passing: str
    failing: str
    notes: str


_EXAMPLE = re.compile(r"^(Passing|Failing)\b[^\n:]*:", re.MULTILINE)


def _section(text: str) -> tuple[str, str]:
    """Split the text that follows 'Passing…:' into (example, rest): inline text or an indented block."""
    first, _, rest = text.partition("\n")
    if first.strip():
        return first.strip(), rest
    lines = rest.split("\n")
    block: list[str] = []
    index = 0
    while index < len(lines) and not lines[index].strip():
        index += 1
    while index < len(lines) and (not lines[index].strip() or lines[index].startswith((" ", "\t"))):
        block.append(lines[index])
        index += 1
    return textwrap.dedent("\n".join(block)).strip("\n"), "\n".join(lines[index:])


def parse_rule_doc(slug: str, severity: str, scope: str, doc: str) -> RuleDoc:
    """A rule module's docstring: summary line, why, then Passing and Failing examples, then notes."""
    doc = textwrap.dedent(doc or "").strip()
    if not doc:
        raise ReferenceIncomplete(f"rule {slug}: its module has no docstring")
    summary, _, body = doc.partition("\n")
    matches = list(_EXAMPLE.finditer(body))
    kinds = [match.group(1) for match in matches]
    if "Passing" not in kinds or "Failing" not in kinds:
        missing = " and ".join(kind for kind in ("Passing", "Failing") if kind not in kinds)
        raise ReferenceIncomplete(f"rule {slug}: its docstring has no {missing} example ('{missing}: …' section)")
    why = body[: matches[0].start()].strip()
    examples: dict[str, str] = {}
    notes: list[str] = []
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        end = following.start() if following is not None else len(body)
        example, rest = _section(body[match.end() : end])
        label = body[match.start() : match.end()].rstrip(":")
        examples.setdefault(match.group(1), f"{label}\n\n{example}" if label != match.group(1) else example)
        if rest.strip():
            notes.append(rest.strip())
    return RuleDoc(
        slug=slug,
        severity=severity,
        scope=scope,
        summary=summary.strip(),
        why=why,
        passing=examples["Passing"],
        failing=examples["Failing"],
        notes="\n\n".join(notes),
    )


def _example_md(title: str, example: str) -> str:
    label, sep, code = example.partition("\n\n")
    if not sep:
        label, code = "", example
    if "\n" not in code and not code.startswith(("#", " ")) and ":" not in code.split(" ")[0]:
        return f"**{title}**{(' — ' + label) if label else ''}: {code}\n"
    qualifier = label.removeprefix(title).strip() if label else ""
    head = f"**{title}**" + (f" {qualifier}" if qualifier else "") + ":"
    return f"{head}\n\n```yaml\n{code}\n```\n"


def rule_docs() -> list[RuleDoc]:
    from balprov.rules import LOADER_RULES, RULES

    docs: list[RuleDoc] = []
    for rule in RULES.values():
        if rule.id in LOADER_RULES:
            continue
        docs.append(parse_rule_doc(rule.id, str(rule.level.value), rule.scope, rule.doc))
    return docs


def rules_page() -> str:
    from balprov.rules import LOADER_RULES, RULES

    docs = rule_docs()
    out = [
        "# Rules",
        "",
        "Generated from the rule modules of `src/balprov/rules/` (one module per rule; its docstring is this "
        "page). `balprov rules` lists them with the severity your project gives them, `balprov explain SLUG` "
        "prints one. Change a severity in `balprov.yaml`: `rules: {rpps-checksum: warning}` (`error`, "
        "`warning` or `off`).",
        "",
        "*Scope*: `file` rules look at one cabinet file; `project` rules compare files with each other "
        "(they always read the whole `cabinets/` folder); `loader` slugs are reported while reading the file.",
        "",
        "| slug | default severity | scope | summary |",
        "|---|---|---|---|",
    ]
    for slug, summary in LOADER_RULES.items():
        out.append(f"| `{slug}` | {RULES[slug].level.value} | loader | {summary} |")
    for doc in docs:
        out.append(f"| [`{doc.slug}`](#{doc.slug}) | {doc.severity} | {doc.scope} | {doc.summary} |")
    out.append("")
    for doc in docs:
        out += [
            f"## {doc.slug}",
            "",
            f"**{doc.summary}**",
            "",
            f"Default severity: `{doc.severity}` · scope: `{doc.scope}`",
            "",
        ]
        if doc.why:
            out += [doc.why, ""]
        out += [_example_md("Passing", doc.passing), _example_md("Failing", doc.failing)]
        if doc.notes:
            out += [doc.notes, ""]
    return "\n".join(out)


# ------------------------------------------------------------------------------------------------ commands


def walk_commands(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, command
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            yield from walk_commands(command.commands[name], (*path, name))


def check_help(root: click.Command) -> None:
    """Every command has help, every option has help: otherwise the reference is incomplete."""
    missing: list[str] = []
    for path, command in walk_commands(root):
        name = " ".join(("balprov", *path))
        if not (command.help or "").strip():
            missing.append(f"command `{name}` has no help text (docstring)")
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden and not (param.help or "").strip():
                missing.append(f"option {'/'.join(param.opts)} of `{name}` has no help text")
    if missing:
        raise ReferenceIncomplete("; ".join(missing))


def commands_page() -> str:
    from balprov.cli import cli

    check_help(cli)
    out = [
        "# Commands",
        "",
        "Generated from the command line itself (`balprov.cli`, click): each command's usage, help and options, "
        "exactly what `balprov COMMAND --help` prints. Global options (`--config`, `--debug`) come before "
        "the command: `balprov --config other/balprov.yaml validate`.",
        "",
    ]
    for path, command in walk_commands(cli):
        name = " ".join(("balprov", *path))
        ctx = click.Context(cli, info_name="balprov")
        for part in path:
            ctx = click.Context(ctx.command.commands[part], info_name=part, parent=ctx)  # type: ignore[attr-defined]
        usage = " ".join(command.collect_usage_pieces(ctx))
        heading = "#" * min(2 + max(len(path) - 1, 0), 4)
        out += [f"{heading} `{name}`", "", f"```text\nUsage: {ctx.command_path} {usage}\n```", ""]
        out += _help_md(command.help or "")
        params = [param for param in command.params if not getattr(param, "hidden", False)]
        if params:
            out += ["| option | help |", "|---|---|"]
            for param in params:
                record = param.get_help_record(ctx)
                if isinstance(param, click.Argument) or record is None:
                    required = "required" if param.required else "optional"
                    out.append(f"| `{param.human_readable_name}` | argument ({required}) |")
                    continue
                opts, text = record
                out.append(f"| `{opts}` | {_cell(text)} |")
            out.append("")
    return "\n".join(out)


def _help_md(help_text: str) -> list[str]:
    """A click help text as Markdown: paragraphs, and indented blocks (examples) as code."""
    out: list[str] = []
    text = "\n".join(line for line in inspect.cleandoc(help_text).split("\n") if line.strip() != "\b")
    for paragraph in text.split("\n\n"):
        lines = paragraph.split("\n")
        code = [line for line in lines if line.startswith((" ", "\t"))]
        if code and len(code) == len(lines) - 1 and lines[0].rstrip().endswith(":"):
            out += [lines[0].strip(), "", "```sh", textwrap.dedent("\n".join(lines[1:])), "```", ""]
        elif code and len(code) == len(lines):
            out += ["```sh", textwrap.dedent(paragraph), "```", ""]
        else:
            out += [" ".join(line.strip() for line in lines), ""]
    return out


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# ------------------------------------------------------------------------------------------------- formats


def _balprov(args: list[str], cwd: Path) -> str:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    env.pop("GITHUB_ACTIONS", None)
    result = subprocess.run(
        [sys.executable, "-m", "balprov", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode not in (0, 1, 2):
        raise ReferenceIncomplete(f"`balprov {' '.join(args)}` failed ({result.returncode}): {result.stderr}")
    return result.stdout.rstrip("\n")


def _shorten(text: str, limit: int = 60) -> str:
    lines = text.split("\n")
    return "\n".join([*lines[:limit], "…"]) if len(lines) > limit else text


def formats_page() -> str:
    from balprov.reporters import REPORTERS

    out = [
        "# Output formats",
        "",
        "Generated by running balprov on a fresh `balprov init` project at build time: the outputs below are "
        "what this version prints. A copy of the example cabinet with one RPPS mistyped gives "
        "validate something to say.",
        "",
    ]
    with tempfile.TemporaryDirectory(prefix="balprov-docs-") as tmp:
        project = Path(tmp)
        _balprov(["init", "."], project)
        cabinet = next((project / "cabinets").glob("*.yaml"))
        broken = project / "cabinets" / "broken.yaml"
        text = cabinet.read_text(encoding="utf-8")
        broken.write_text(
            text.replace("name: cabinet-des-lilas-93260", "name: broken")
            .replace("cabinet-des-lilas.93260@", "cabinet-broken.93260@")
            .replace("Cabinet des Lilas", "Cabinet Brisé"),
            encoding="utf-8",
        )
        bad = broken.read_text(encoding="utf-8")
        rpps = re.search(r'rpps: "(\d{11})"', bad)
        if rpps:
            bad = bad.replace(rpps.group(1), rpps.group(1)[:-1] + str((int(rpps.group(1)[-1]) + 1) % 10), 1)
        broken.write_text(bad, encoding="utf-8")
        out += [
            "## validate",
            "",
            "`balprov validate --format FORMAT`; `auto` is `github` inside GitHub Actions "
            "(`GITHUB_ACTIONS=true`), `text` elsewhere.",
            "",
        ]
        for name in REPORTERS:
            lang = {"json": "json", "sarif": "json", "junit": "xml"}.get(name, "text")
            sample = _balprov(["validate", "--today", TODAY, "--format", name, "cabinets/broken.yaml"], project)
            out += [f"### {name}", "", f"```{lang}\n{_shorten(sample)}\n```", ""]
        broken.unlink()
        out += [
            "## plan",
            "",
            "`balprov plan --format FORMAT`; `-o FILE` saves the JSON plan that "
            "`balprov apply FILE` applies (see [the plan JSON format](plan-format.md)).",
            "",
        ]
        for name, lang in (("text", "text"), ("markdown", "markdown"), ("json", "json")):
            sample = _balprov(["plan", "--today", TODAY, "--format", name], project)
            out += [f"### {name}", "", f"````{lang}\n{_shorten(sample, 80)}\n````", ""]
        _balprov(["apply", "--auto-approve", "--today", TODAY], project)
        out += ["## export annuaire", "", "After `apply`, the Annuaire Santé publication files.", ""]
        for name, lang in (("csv", "text"), ("fhir", "json")):
            sample = _balprov(["export", "annuaire", "--format", name], project)
            out += [f"### {name}", "", f"```{lang}\n{_shorten(sample, 40)}\n```", ""]
        out += ["## rules", "", "`balprov rules --format text|json`.", ""]
        out += ["```text", _shorten(_balprov(["rules"], project), 30), "```", ""]
        out += ["## state list", "", "`balprov state list --format text|json`.", ""]
        out += ["```text", _balprov(["state", "list"], project), "```", ""]
    return "\n".join(out)


# ------------------------------------------------------------------------------------------------- schemas


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return data


def _type_of(node: dict[str, Any]) -> str:
    if "$ref" in node:
        target = node["$ref"].rsplit("/", 1)[-1]
        return f"[{target}](#def-{target.lower()})"
    if "const" in node:
        return f"`{json.dumps(node['const'], ensure_ascii=False)}`"
    if "enum" in node:
        return " \\| ".join(f"`{json.dumps(v, ensure_ascii=False)}`" for v in node["enum"])
    kind = node.get("type", "")
    if isinstance(kind, list):
        kind = " or ".join(kind)
    if kind == "array" and isinstance(node.get("items"), dict):
        return f"array of {_type_of(node['items'])}"
    if not kind and "oneOf" in node:
        return " or ".join(_type_of(option) for option in node["oneOf"])
    return str(kind) or "any"


def _properties(node: dict[str, Any], prefix: str, required: set[str], rows: list[str], where: str) -> None:
    for name, child in node.get("properties", {}).items():
        path = f"{prefix}{name}"
        description = child.get("description")
        if not description:
            raise ReferenceIncomplete(f"{where}: property {path} has no description")
        mark = " (required)" if name in required else ""
        rows.append(f"| `{path}`{mark} | {_type_of(child)} | {_cell(description)} |")
        inner = child.get("items", child) if child.get("type") == "array" else child
        if isinstance(inner, dict) and "properties" in inner:
            suffix = "[]." if child.get("type") == "array" else "."
            _properties(inner, path + suffix, set(inner.get("required", [])), rows, where)


def schema_page(name: str, title: str, intro: str) -> str:
    schema = _load(name)
    rows = ["| property | type | description |", "|---|---|---|"]
    _properties(schema, "", set(schema.get("required", [])), rows, name)
    out = [f"# {title}", "", intro, "", f"> {schema.get('description', '')}", "", *rows, ""]
    for def_name, definition in schema.get("$defs", {}).items():
        out += [f"## {def_name} {{#def-{def_name.lower()}}}", ""]
        if definition.get("description"):
            out += [definition["description"], ""]
        if "properties" in definition:
            def_rows = ["| property | type | description |", "|---|---|---|"]
            _properties(definition, "", set(definition.get("required", [])), def_rows, f"{name} $defs/{def_name}")
            out += [*def_rows, ""]
        else:
            out += [f"Type: {_type_of(definition)}", ""]
    return "\n".join(out)


def cabinet_schema_page() -> str:
    return schema_page(
        "cabinet.schema.json",
        "Cabinet file",
        "Generated from `schemas/cabinet.schema.json`: one BAL Cabinet per file under `cabinets/`. Start each file "
        "with `# yaml-language-server: $schema=…/cabinet.schema.json` and editors complete and check it.",
    )


def plan_format_page() -> str:
    contract = (ROOT / "docs" / "contract-extensions.md").read_text(encoding="utf-8")
    if "\n## plan and apply\n" not in contract:
        raise ReferenceIncomplete("docs/contract-extensions.md has no '## plan and apply' section (the plan format)")
    section = contract.split("\n## plan and apply\n", 1)[1].split("\n## ", 1)[0].strip()
    page = schema_page(
        "plan.schema.json",
        "The plan JSON format",
        "What `balprov plan --format json` prints and `balprov plan -o FILE` saves; `balprov apply FILE` reads "
        "it. Generated from `schemas/plan.schema.json`.",
    )
    promise = [
        "## Versioning promise",
        "",
        '`format_version` is `"1"`. Fields are only ever **added** to version 1; any change that is not an '
        "addition (a field removed, renamed or given another meaning) comes with a new `format_version`, and "
        "`apply` refuses a plan of a format version it does not know. Read a plan by the fields you need and "
        "ignore the others. From [the contract extensions](../contract-extensions.md):",
        "",
        section,
        "",
    ]
    return page + "\n" + "\n".join(promise)


# --------------------------------------------------------------------------------------------- exit codes


def exit_codes_page() -> str:
    from balprov.cli import EXIT_INTERNAL

    rows = [
        ("any", "0", "success"),
        ("any", "2", "usage or configuration error (bad option, balprov.yaml invalid, missing `${VAR}`)"),
        ("any", str(EXIT_INTERNAL), "internal error: a bug in balprov, never bad input (`--debug` shows it)"),
        ("validate", "0 / 1", "clean or warnings only / errors (with `--strict`, warnings too)"),
        ("plan", "0 / 1", "plan shown / errors in the definitions or the state"),
        ("plan --detailed-exitcode", "0 / 2 / 1", "no changes / changes / error"),
        ("apply", "0 / 1 / 3", "applied / nothing changed (refused or failed) / partly applied"),
        ("state, force-unlock", "0 / 1", "done / not found, refused"),
        ("rules, explain", "0 / 2", "done / unknown slug"),
        ("export annuaire, notice", "0 / 1 / 2", "written / nothing to export or unknown mailbox / usage"),
        ("annuaire check", "0 / 1 / 2", "all agree / they differ / the extraction cannot be used"),
        ("init", "0 / 1", "written / a file exists (use `--force`)"),
        ("new", "0 / 1 / 2", "written without errors / written with errors or exists / usage"),
    ]
    out = [
        "# Exit codes",
        "",
        "What each command returns, for scripts and CI. The contract fixes them; "
        "[the contract extensions](../contract-extensions.md) lists what balprov adds. The internal-error code "
        f"is read from `balprov.cli.EXIT_INTERNAL` ({EXIT_INTERNAL}).",
        "",
        "| command | code | meaning |",
        "|---|---|---|",
    ]
    out += [f"| `{command}` | {codes} | {meaning} |" for command, codes, meaning in rows]
    return "\n".join(out) + "\n"


def index_page() -> str:
    return "\n".join(
        [
            "# Reference",
            "",
            "Every page here is generated from the code when the site is built (`scripts/gen_reference.py`); "
            "a rule without its documented examples, or an option without help, fails the build.",
            "",
            "- [Rules](rules.md): every rule, its default severity, why, a passing and a failing example.",
            "- [Commands](commands.md): every command and option.",
            "- [Output formats](formats.md): each format of validate, plan, export, with a real example.",
            "- [Cabinet file](cabinet-schema.md): every field of a cabinet file.",
            "- [Plan JSON format](plan-format.md): the saved plan and its versioning promise.",
            "- [Exit codes](exit-codes.md).",
            "",
        ]
    )


def generate() -> dict[str, str]:
    """Every reference page, path (under docs/) -> Markdown. Raises ReferenceIncomplete."""
    return {
        "reference/index.md": index_page(),
        "reference/rules.md": rules_page(),
        "reference/commands.md": commands_page(),
        "reference/formats.md": formats_page(),
        "reference/cabinet-schema.md": cabinet_schema_page(),
        "reference/plan-format.md": plan_format_page(),
        "reference/exit-codes.md": exit_codes_page(),
    }


# --------------------------------------------------------------------------------------------- mkdocs hook


def on_files(files: Any, config: Any) -> Any:
    """MkDocs hook: add the generated pages to the site (in memory)."""
    from mkdocs.exceptions import PluginError
    from mkdocs.structure.files import File

    try:
        pages = generate()
    except ReferenceIncomplete as error:
        raise PluginError(f"reference incomplete: {error}") from error
    for path, content in pages.items():
        existing = files.get_file_from_path(path)
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, path, content=content))
    return files


def main(argv: list[str]) -> int:
    outdir = Path(argv[0]) if argv else ROOT / "docs"
    try:
        pages = generate()
    except ReferenceIncomplete as error:
        print(f"gen_reference: reference incomplete: {error}", file=sys.stderr)
        return 1
    for path, content in pages.items():
        target = outdir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
