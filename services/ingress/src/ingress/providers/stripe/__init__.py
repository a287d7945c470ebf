"""Stripe webhooks."""

from ingress.providers.stripe.provider import StripeProvider

__all__ = ["StripeProvider"]
