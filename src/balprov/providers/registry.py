"""The provider of an operator, chosen by its `provider.type` in balprov.yaml."""

from __future__ import annotations

from pathlib import Path

from balprov.errors import ConfigError
from balprov.i18n import _
from balprov.project import Operator, Project
from balprov.providers.base import Provider
from balprov.providers.local import LocalProvider

PROVIDER_TYPES = ("local", "ldap")


def local_provider_path(operator: Operator, project: Project) -> Path:
    """`provider.path` (relative to the folder holding balprov.yaml), default `.balprov/operator-<id>.db`."""
    configured = operator.provider.get("path")
    if configured is None:
        return project.root / ".balprov" / f"operator-{operator.id}.db"
    if not isinstance(configured, str) or not configured:
        raise ConfigError(
            _("balprov.yaml: operator {id}: provider.path must be a non-empty string").format(id=repr(operator.id))
        )
    return project.root / configured


def open_provider(operator: Operator, project: Project, owner: str, *, adopt: bool = False) -> Provider:
    """Open the operator's provider on behalf of the state whose lineage is `owner`. `adopt`: the
    provider may take over entries it did not create (`balprov apply --adopt`; the ldap provider)."""
    kind = operator.provider.get("type", "local")
    if kind == "local":
        path = local_provider_path(operator, project)
        return LocalProvider(path, owner, display=project.display(path))
    if kind == "ldap":
        from balprov.providers.ldap import open_ldap_provider  # ldap3 loads only for projects that use it

        return open_ldap_provider(operator, project, owner, adopt=adopt)
    # the type only: provider settings may hold secrets, never echoed
    raise ConfigError(
        _(
            "balprov.yaml: operator {id}: provider type {kind} is not available in this balprov "
            "(available: {available})"
        ).format(id=repr(operator.id), kind=repr(kind), available=", ".join(PROVIDER_TYPES))
    )
