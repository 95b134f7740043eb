"""Providers: where `apply` provisions mailboxes, selected by an operator's `provider.type`."""

from balprov.providers.base import Provider, ProviderError
from balprov.providers.registry import open_provider

__all__ = ["Provider", "ProviderError", "open_provider"]
