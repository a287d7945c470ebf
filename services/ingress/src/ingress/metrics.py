"""Prometheus instruments for webhooks: a count and a latency histogram per outcome."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

__all__ = ["WebhookMetrics"]

_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class WebhookMetrics:
    """Counts webhooks by provider and outcome and times them, in one registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self._webhooks = Counter(
            "paywire_ingress_webhooks",
            "Webhooks answered, by provider and outcome.",
            ["provider", "outcome"],
            registry=registry,
        )
        self._duration = Histogram(
            "paywire_ingress_webhook_duration_seconds",
            "Time from receiving a webhook to answering it, by provider and outcome.",
            ["provider", "outcome"],
            buckets=_BUCKETS,
            registry=registry,
        )

    def observe(self, provider: str, outcome: str, seconds: float) -> None:
        """Record one answered webhook."""
        self._webhooks.labels(provider, outcome).inc()
        self._duration.labels(provider, outcome).observe(seconds)
