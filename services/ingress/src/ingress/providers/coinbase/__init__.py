"""Coinbase Commerce webhooks."""

from ingress.providers.coinbase.provider import CoinbaseProvider

__all__ = ["CoinbaseProvider"]
