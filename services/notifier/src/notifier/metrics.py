"""Prometheus metrics of the notifier, served at ``/metrics``."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

__all__ = ["EMAILS", "STREAM_CONNECTIONS", "STREAM_MESSAGES"]

EMAILS = Counter(
    "notifier_emails_total",
    "Emails by kind and outcome (sent, retry, failed).",
    ["kind", "outcome"],
)
STREAM_CONNECTIONS = Gauge("notifier_stream_connections", "Open /v1/stream connections.")
STREAM_MESSAGES = Counter("notifier_stream_messages_total", "Messages sent to stream clients.")
