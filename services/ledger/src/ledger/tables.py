"""The ledger's tables in schema ``ledger`` (SQLAlchemy Core).

The migrations in ``ledger/migrations`` create the same tables, plus what Core does not
model: the deferred constraint triggers that refuse an unbalanced journal entry, and the
trigger that keeps ``sessions.amount_refunded`` / ``amount_refund_pending`` the sums of the
session's succeeded / requested ``refunds`` (a CHECK holds both within the capture).
Money columns are ``numeric(78, 0)`` minor units, wide enough for 18-decimal assets.
"""

from __future__ import annotations

from typing import Any

from common.db import messaging_tables
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

__all__ = [
    "SCHEMA",
    "MinorUnits",
    "attempts",
    "deposit_addresses",
    "fulfillments",
    "idempotency_keys",
    "journal_entries",
    "journal_lines",
    "merchants",
    "messaging",
    "metadata",
    "reconciliation",
    "refunds",
    "sessions",
    "stripe_customers",
    "timeline",
    "webhook_log",
]

SCHEMA = "ledger"
metadata = MetaData(schema=SCHEMA)


class MinorUnits(TypeDecorator[int]):
    """An integer amount in minor units, stored as ``numeric(78, 0)``."""

    impl = Numeric(78, 0)
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Dialect) -> int | None:
        return None if value is None else int(value)


def _created_at() -> Column[Any]:
    return Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now())


merchants = Table(
    "merchants",
    metadata,
    Column("id", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("api_key_lookup", Text, nullable=False, unique=True),
    Column("api_key_hash", Text, nullable=False),
    _created_at(),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", Text, primary_key=True),
    Column("merchant_id", Text, ForeignKey("merchants.id"), nullable=False),
    Column("status", Text, nullable=False),
    Column("amount", MinorUnits, nullable=False),
    Column("currency", Text, nullable=False),
    Column("provider", Text, nullable=False),
    Column("customer", JSONB, nullable=False),
    Column("product", Text),
    Column("description", Text),
    Column("reference", Text),
    Column("metadata", JSONB, nullable=False),
    Column("return_url", Text),
    Column("captured_amount", MinorUnits),
    Column("captured_currency", Text),
    Column("amount_refunded", MinorUnits, nullable=False, server_default="0"),
    Column("amount_refund_pending", MinorUnits, nullable=False, server_default="0"),
    _created_at(),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("checkout", JSONB),
    UniqueConstraint("merchant_id", "reference", name="sessions_merchant_reference_key"),
)

attempts = Table(
    "attempts",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("session_id", Text, ForeignKey("sessions.id"), nullable=False),
    Column("provider", Text, nullable=False),
    Column("provider_payment_id", Text, nullable=False),
    _created_at(),
    UniqueConstraint("provider", "provider_payment_id", name="attempts_provider_payment_key"),
)

refunds = Table(
    "refunds",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("session_id", Text, ForeignKey("sessions.id"), nullable=False),
    Column("refund_id", Text, nullable=False),
    Column("amount", MinorUnits, nullable=False),
    Column("currency", Text, nullable=False),
    Column("event_id", Text),
    Column("status", Text, nullable=False, server_default="succeeded"),
    Column("provider_refund_id", Text),
    Column("reason", Text),
    Column("failure_reason", Text),
    _created_at(),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("session_id", "refund_id", name="refunds_session_refund_key"),
)

reconciliation = Table(
    "reconciliation",
    metadata,
    Column("session_id", Text, ForeignKey("sessions.id"), primary_key=True),
    Column("next_check_at", DateTime(timezone=True)),
    Column("attempt", Integer, nullable=False, server_default="0"),
    Column("failures", Integer, nullable=False, server_default="0"),
    Column("last_checked_at", DateTime(timezone=True)),
    Column("last_error", Text),
)

deposit_addresses = Table(
    "deposit_addresses",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("network", Text, nullable=False),
    Column("address", Text, nullable=False),
    Column("session_id", Text, nullable=False),
    Column("allocated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("released_at", DateTime(timezone=True)),
)
"""Holds of deposit addresses by sessions (``ledger.deposit_addresses``); the migration adds
the partial unique indexes that allow one active hold per address and per session."""

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("merchant_id", Text, ForeignKey("merchants.id"), primary_key=True),
    Column("key", Text, primary_key=True),
    Column("request_hash", Text, nullable=False),
    Column("response_status", Integer),
    Column("response_body", JSONB),
    _created_at(),
    Column("session_id", Text),
    Column("locked_until", DateTime(timezone=True)),
)

stripe_customers = Table(
    "stripe_customers",
    metadata,
    Column("merchant_id", Text, ForeignKey("merchants.id"), primary_key=True),
    Column("customer_id", Text, primary_key=True),
    Column("stripe_customer_id", Text, nullable=False, unique=True),
    _created_at(),
)

timeline = Table(
    "timeline",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("session_id", Text, ForeignKey("sessions.id"), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("kind", Text, nullable=False),
    Column("event_id", Text),
    Column("detail", JSONB, nullable=False),
)

webhook_log = Table(
    "webhook_log",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("event_id", Text, nullable=False, unique=True),
    Column("session_id", Text, ForeignKey("sessions.id")),
    Column("provider", Text, nullable=False),
    Column("provider_event_id", Text, nullable=False),
    Column("provider_event_type", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("verified_by", Text, nullable=False),
    Column("event", JSONB, nullable=False),
    Column("raw_content_type", Text),
    Column("raw_body", Text),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

journal_entries = Table(
    "journal_entries",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("session_id", Text, ForeignKey("sessions.id"), nullable=False),
    Column("kind", Text, nullable=False),
    Column("event_id", Text),
    _created_at(),
)

journal_lines = Table(
    "journal_lines",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("entry_id", BigInteger, ForeignKey("journal_entries.id"), nullable=False),
    Column("account", Text, nullable=False),
    Column("currency", Text, nullable=False),
    Column("amount", MinorUnits, nullable=False),
)

messaging = messaging_tables(metadata)
"""The ledger's ``outbox`` and ``inbox``."""


fulfillments = Table(
    "fulfillments",
    metadata,
    Column("session_id", Text, ForeignKey("sessions.id"), primary_key=True),
    Column("invoice_id", Text, nullable=False),
    Column("invoice_number", Text, nullable=False),
    Column("api_key_id", Text, nullable=False),
    Column("access_expires_at", DateTime(timezone=True), nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    Column("revoked_reason", Text),
)
"""What fulfillment reported for a paid session (from ``fulfillment.*`` events): shown
on ``GET /v1/sessions/{id}`` without reading fulfillment's tables."""
