"""The providers ingress serves, listed explicitly: one line per provider."""

from __future__ import annotations

from common.settings import Settings

from ingress.providers.base import Provider
from ingress.providers.stripe import StripeProvider

__all__ = ["PROVIDERS", "configured_providers"]

PROVIDERS: dict[str, type[Provider]] = {
    "stripe": StripeProvider,
}


def configured_providers(settings: Settings) -> dict[str, Provider]:
    """The providers with at least one secret in ``settings``; the others answer 404."""
    built = {name: provider.from_settings(settings) for name, provider in PROVIDERS.items()}
    return {name: provider for name, provider in built.items() if provider.configured}
