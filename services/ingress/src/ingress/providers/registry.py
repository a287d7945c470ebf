"""The providers ingress serves, listed explicitly: one line per provider."""

from __future__ import annotations

from common.settings import Settings

from ingress.providers.alchemy import AlchemyProvider
from ingress.providers.base import Provider
from ingress.providers.coinbase import CoinbaseProvider
from ingress.providers.hmac_source import HmacSourceProvider, hmac_source
from ingress.providers.payu import PayuProvider
from ingress.providers.phonepe import PhonepeProvider
from ingress.providers.razorpay import RazorpayProvider
from ingress.providers.standard import StandardProvider
from ingress.providers.stripe import StripeProvider

__all__ = ["PROVIDERS", "configured_providers"]

PROVIDERS: dict[str, type[Provider]] = {
    "stripe": StripeProvider,
    "razorpay": RazorpayProvider,
    "payu": PayuProvider,
    "phonepe": PhonepeProvider,
    "coinbase": CoinbaseProvider,
    "alchemy": AlchemyProvider,
    "standard": StandardProvider,
    "upi": hmac_source("upi"),
    "onecom": hmac_source("onecom"),
}


def configured_providers(settings: Settings) -> dict[str, Provider]:
    """The providers with at least one secret in ``settings``; the others answer 404.

    Besides ``PROVIDERS``, every generic HMAC source in ``settings.hmac_sources`` is served
    under its own name, so adding one takes configuration only.
    """
    classes = {**PROVIDERS, **_unlisted_hmac_sources(settings)}
    built = {name: provider.from_settings(settings) for name, provider in classes.items()}
    return {name: provider for name, provider in built.items() if provider.configured}


def _unlisted_hmac_sources(settings: Settings) -> dict[str, type[Provider]]:
    sources: dict[str, type[Provider]] = {}
    for name in settings.hmac_sources:
        listed = PROVIDERS.get(name)
        if listed is None:
            sources[name] = hmac_source(name)
        elif not issubclass(listed, HmacSourceProvider):
            raise ValueError(f"the HMAC source {name!r} has the name of a built-in provider")
    return sources
