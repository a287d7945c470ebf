"""Prometheus metrics of the notifier, served at ``/metrics``."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

__all__ = [
    "EMAILS",
    "STREAM_CONNECTIONS",
    "STREAM_FANOUT_BATCH_SIZE",
    "STREAM_FANOUT_LAG",
    "STREAM_MESSAGES",
]

EMAILS = Counter(
    "notifier_emails_total",
    "Emails by kind and outcome (sent, retry, failed).",
    ["kind", "outcome"],
)
STREAM_CONNECTIONS = Gauge("notifier_stream_connections", "Open /v1/stream connections.")
STREAM_MESSAGES = Counter("notifier_stream_messages_total", "Messages sent to stream clients.")
STREAM_FANOUT_LAG = Histogram(
    "notifier_stream_fanout_lag_seconds",
    "Event time to this instance's push to its stream connections.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0),
)
STREAM_FANOUT_BATCH_SIZE = Gauge(
    "notifier_stream_fanout_batch_size", "Deliveries in the fan-out's latest batch."
)
