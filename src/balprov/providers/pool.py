"""Providers opened on demand, one per operator, closed together."""

from __future__ import annotations

from balprov.errors import ConfigError
from balprov.i18n import _
from balprov.project import Project
from balprov.providers.base import Provider
from balprov.providers.registry import open_provider


class ProviderPool:
    def __init__(self, project: Project, owner: str, *, adopt: bool = False) -> None:
        self._project = project
        self._owner = owner
        self._adopt = adopt
        self._open: dict[str, Provider] = {}

    def get(self, operator_id: str) -> Provider:
        if operator_id not in self._open:
            operator = self._project.operators.get(operator_id)
            if operator is None:
                raise ConfigError(_("operator {id} is not declared in balprov.yaml").format(id=repr(operator_id)))
            self._open[operator_id] = open_provider(operator, self._project, self._owner, adopt=self._adopt)
        return self._open[operator_id]

    def close(self) -> None:
        for provider in self._open.values():
            provider.close()
        self._open.clear()

    def __enter__(self) -> ProviderPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
