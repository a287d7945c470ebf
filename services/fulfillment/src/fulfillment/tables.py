"""The ``fulfillment`` schema: invoices, API keys, access tokens, signing keys, inbox, outbox."""

from __future__ import annotations

from common.db import messaging_tables
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    LargeBinary,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB

__all__ = [
    "SCHEMA",
    "access_tokens",
    "api_keys",
    "invoice_counters",
    "invoices",
    "messaging",
    "metadata",
    "revoked_sessions",
    "signing_keys",
]

SCHEMA = "fulfillment"
metadata = MetaData(schema=SCHEMA)
messaging = messaging_tables(metadata)

signing_keys = Table(
    "signing_keys",
    metadata,
    Column("kid", Text, primary_key=True),
    Column("algorithm", Text, nullable=False),
    Column("public_jwk", JSONB, nullable=False),
    # PKCS#8 PEM encrypted under the configured passphrase.
    Column("private_key", LargeBinary, nullable=False),
    Column(
        "created_at", DateTime(timezone=True), nullable=False, server_default=func.clock_timestamp()
    ),
)

# One row per merchant, locked by the upsert that takes the next number: a rolled-back
# issuance rolls its number back too, so numbers have no gaps.
invoice_counters = Table(
    "invoice_counters",
    metadata,
    Column("merchant_id", Text, primary_key=True),
    Column("prefix", Text, nullable=False),
    Column("last_sequence", BigInteger, nullable=False),
)

invoices = Table(
    "invoices",
    metadata,
    Column("id", Text, primary_key=True),
    Column("merchant_id", Text, nullable=False),
    Column("merchant_name", Text, nullable=False),
    Column("session_id", Text, nullable=False, unique=True),
    Column("sequence", BigInteger, nullable=False),
    Column("number", Text, nullable=False),
    Column("customer", JSONB, nullable=False),
    Column("product", Text),
    Column("description", Text),
    Column("amount", BigInteger, nullable=False),
    Column("currency", Text, nullable=False),
    Column("paid_at", DateTime(timezone=True), nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("pdf", LargeBinary),
    UniqueConstraint("merchant_id", "sequence", name="invoices_merchant_sequence"),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Text, primary_key=True),
    Column("merchant_id", Text, nullable=False),
    Column("session_id", Text, nullable=False, unique=True),
    Column("invoice_id", Text, ForeignKey(invoices.c.id), nullable=False),
    Column("secret_hash", Text, nullable=False),
    Column("hint", Text, nullable=False),
    # The full key sealed under the access token; NULL once revealed or revoked.
    Column("sealed_key", LargeBinary),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("revealed_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
    Column("revoke_reason", Text),
)

access_tokens = Table(
    "access_tokens",
    metadata,
    Column("jti", Text, primary_key=True),
    Column("session_id", Text, nullable=False, unique=True),
    Column("kid", Text, ForeignKey(signing_keys.c.kid), nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)

# A refund or charge-back that arrived, whether or not the paid event was handled yet:
# a paid event handled after it issues nothing.
revoked_sessions = Table(
    "revoked_sessions",
    metadata,
    Column("session_id", Text, primary_key=True),
    Column("reason", Text, nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
