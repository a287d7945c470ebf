"""Alchemy Notify webhooks."""

from ingress.providers.alchemy.provider import AlchemyProvider, deposit_address_id

__all__ = ["AlchemyProvider", "deposit_address_id"]
