"""Razorpay webhooks."""

from ingress.providers.razorpay.provider import RazorpayProvider

__all__ = ["RazorpayProvider"]
