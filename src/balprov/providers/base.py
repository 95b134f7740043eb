"""The provider interface: the operator's system, behind four calls.

Every call must be idempotent, because apply records a change in the state only after the provider
succeeded: a process killed in between leaves the state one step behind, and the rerun repeats the
call. `create` of a mailbox this state already created (same owner) therefore converges instead of
failing, and `delete` of a missing mailbox succeeds.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from balprov.errors import BalprovError


class ProviderError(BalprovError):
    """The operator's system refused or failed a call; the message says what and for which mailbox."""


class Provider(ABC):
    @abstractmethod
    def create(self, definition: dict[str, Any]) -> dict[str, str]:
        """Create the mailbox; return the provider's identifiers for it. Refuses (ProviderError) a
        mailbox that exists and was not created by this state's lineage."""

    @abstractmethod
    def update(self, before: dict[str, Any], after: dict[str, Any]) -> dict[str, str]:
        """Bring the mailbox from `before` to `after` (the address may change)."""

    @abstractmethod
    def delete(self, definition: dict[str, Any]) -> None:
        """Remove the mailbox; a mailbox already gone is not an error."""

    @abstractmethod
    def read(self, address: str) -> dict[str, Any] | None:
        """The mailbox as the operator holds it, in the same normalized form, or None."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""

    def __enter__(self) -> Provider:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
