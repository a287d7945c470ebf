"""Prometheus metrics the ledger exports on ``/metrics``."""

from __future__ import annotations

from prometheus_client import Counter

__all__ = ["PROVIDER_EVENTS", "SESSIONS_CREATED", "SESSIONS_EXPIRED", "STATUS_CHECKS"]

PROVIDER_EVENTS = Counter(
    "ledger_provider_events_total",
    "Provider events consumed, by outcome (applied, ignored, unmatched, duplicate).",
    ["outcome"],
)
SESSIONS_CREATED = Counter("ledger_sessions_created_total", "Checkout sessions created.")
SESSIONS_EXPIRED = Counter("ledger_sessions_expired_total", "Unpaid sessions expired.")
STATUS_CHECKS = Counter(
    "ledger_status_checks_total",
    "Scheduled status checks, by provider and outcome (answered, refused, unavailable).",
    ["provider", "outcome"],
)
