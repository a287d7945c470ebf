"""Prometheus metrics the ledger exports on ``/metrics``."""

from __future__ import annotations

from prometheus_client import Counter

__all__ = ["PROVIDER_EVENTS", "SESSIONS_CREATED"]

PROVIDER_EVENTS = Counter(
    "ledger_provider_events_total",
    "Provider events consumed, by outcome (applied, ignored, unmatched, duplicate).",
    ["outcome"],
)
SESSIONS_CREATED = Counter("ledger_sessions_created_total", "Checkout sessions created.")
