"""Standard Webhooks senders (Svix and others)."""

from ingress.providers.standard.provider import StandardProvider

__all__ = ["StandardProvider"]
