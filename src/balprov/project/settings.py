"""balprov.yaml: operators, state backend, rule severities."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from balprov.compiled_schemas import failure
from balprov.diagnostics import Severity
from balprov.errors import ConfigError
from balprov.i18n import _, language
from balprov.loading import PositionIndex, load_yaml
from balprov.project.environment import Interpolated, interpolate

CONFIG_NAME = "balprov.yaml"


@dataclass(frozen=True, slots=True)
class Operator:
    id: str
    domain: str
    provider: dict[str, Any] = field(default_factory=lambda: {"type": "local"})


@dataclass(frozen=True, slots=True)
class Project:
    root: Path
    config_path: Path
    operators: dict[str, Operator]
    cabinets_dir: Path
    state_backend: str = "sqlite"
    state_path: Path | None = None
    state_dsn: str | None = None  # backend postgres: the DSN, `${VAR}` resolved (holds a password: never print it)
    severities: dict[str, Severity] = field(default_factory=dict)

    def display(self, path: Path) -> str:
        """A path as messages show it: relative to the folder holding balprov.yaml."""
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()


def find_config(start: Path) -> Path:
    for folder in (start.resolve(), *start.resolve().parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    raise ConfigError(
        _("no {config} in {folder} or any parent folder (or pass --config PATH)").format(
            config=CONFIG_NAME, folder=start
        )
    )


def load_project(config: Path | None, cwd: Path) -> Project:
    path = config if config is not None else find_config(cwd)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ConfigError(_("{path}: cannot read: {reason}").format(path=path, reason=error.strerror)) from None
    name = path.name if config is None else str(path)
    loaded = load_yaml(raw)
    if loaded.problems:
        first = loaded.problems[0]
        raise ConfigError(f"{name}:{first.line}:{first.column}: [{first.rule}] {first.message}")
    # `${VAR}` references resolved first, so the schema checks the values balprov will use
    resolved = interpolate(loaded.data, name, PositionIndex(loaded.text).locate) if "${" in loaded.text else None
    data = resolved.data if resolved is not None else loaded.data
    _unquoted_off(data)
    _check_schema(data, loaded.text, name, resolved)
    root = path.resolve().parent
    severities = _severities(data.get("rules", {}), loaded.text, name)
    operators = {
        op["id"]: Operator(op["id"], op["domain"], dict(op.get("provider", {"type": "local"})))
        for op in data["operators"]
    }
    state = data.get("state", {})
    return Project(
        root=root,
        config_path=path.resolve(),
        operators=operators,
        cabinets_dir=_cabinets_dir(root, data.get("cabinets", "cabinets"), loaded.text, name),
        state_backend=state.get("backend", "sqlite"),
        state_path=root / state.get("path", ".balprov/state.db"),
        state_dsn=state.get("dsn"),
        severities=severities,
    )


def _cabinets_dir(root: Path, value: str, text: str, name: str) -> Path:
    """The cabinets folder, which must be inside the repository: balprov.yaml comes from pull requests
    too, and `cabinets: /etc` or `cabinets: ../..` would make validate read (and quote) other files."""
    folder = root / value
    try:
        folder.resolve().relative_to(root)
    except ValueError:
        line, column = PositionIndex(text).locate("/cabinets")
        raise ConfigError(
            f"{name}:{line}:{column}: "
            + _("cabinets: {value} leads outside the folder holding {config}").format(
                value=repr(value), config=CONFIG_NAME
            )
        ) from None
    return folder


def _unquoted_off(data: Any) -> None:
    """YAML 1.1 reads an unquoted `off` as false; in `rules:` it can only mean the severity off."""
    rules = data.get("rules") if isinstance(data, dict) else None
    if isinstance(rules, dict):
        for slug, level in rules.items():
            if level is False:
                rules[slug] = "off"


def _check_schema(data: Any, text: str, name: str, resolved: Interpolated | None = None) -> None:
    found = failure("balprov.schema.json", data)
    if found is not None and not found.errors:  # the validators disagree: the stricter verdict
        raise ConfigError(f"{name}: {found.message}")
    if found is not None:
        error = min(found.errors, key=lambda e: list(e.absolute_path))
        pointer = "".join(f"/{part}" for part in error.absolute_path)
        line, column = PositionIndex(text).locate(pointer)
        raise ConfigError(f"{name}:{line}:{column}: {_schema_message(error, pointer, resolved)}")
    ids = [op["id"] for op in data["operators"]]
    for index, op_id in enumerate(ids):
        if op_id in ids[:index]:
            line, column = PositionIndex(text).locate(f"/operators/{index}/id")
            raise ConfigError(
                f"{name}:{line}:{column}: " + _("operator id {id} is declared twice").format(id=repr(op_id))
            )


def _schema_message(error: Any, pointer: str, resolved: Interpolated | None) -> str:
    """What is wrong at `pointer`: jsonschema's own message in English (unchanged), the words `balprov validate`
    uses for cabinet files in any other language (jsonschema speaks English only). Never a value that came from
    the environment: a translated message may quote a value cut short, which `hide` could not recognize."""
    if language() == "en":
        return resolved.hide(pointer, error.message) if resolved is not None else str(error.message)
    if resolved is not None and any(
        where == pointer or where.startswith(pointer + "/") or pointer.startswith(where + "/")
        for where in resolved.substituted
    ):
        return _("a value substituted from the environment is not valid here")
    from balprov.validation.schema_check import error_findings  # the rules' registry: loaded only when needed

    found = next(error_findings(error), None)
    return found[1].message if found is not None else str(error.message)


def _severities(overrides: dict[str, str], text: str, name: str) -> dict[str, Severity]:
    from balprov.rules import RULES  # the rule registry names the slugs a setting may use

    for slug in overrides:
        if slug not in RULES:
            line, column = PositionIndex(text).locate(f"/rules/{slug}", at_key=True)
            raise ConfigError(
                f"{name}:{line}:{column}: " + _("unknown rule {slug} (see `balprov rules`)").format(slug=repr(slug))
            )
    return {slug: Severity(level) for slug, level in overrides.items()}
