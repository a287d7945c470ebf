"""HTTP endpoints of ingress."""

from ingress.api.webhooks import WebhookReceiver

__all__ = ["WebhookReceiver"]
