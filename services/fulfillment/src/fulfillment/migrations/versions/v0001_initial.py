"""fulfillment schema: signing keys, invoices and counters, API keys, access tokens, revocations.

Revision ID: 0001
Revises:
Create Date: 2026-01-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from common.db.migration_ops import create_messaging_tables, drop_messaging_tables
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "fulfillment"


def upgrade() -> None:
    create_messaging_tables(SCHEMA)
    op.create_table(
        "signing_keys",
        sa.Column("kid", sa.Text, primary_key=True),
        sa.Column("algorithm", sa.Text, nullable=False),
        sa.Column("public_jwk", JSONB, nullable=False),
        sa.Column("private_key", sa.LargeBinary, nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.func.clock_timestamp(),
        ),
        schema=SCHEMA,
    )
    op.create_table(
        "invoice_counters",
        sa.Column("merchant_id", sa.Text, primary_key=True),
        sa.Column("prefix", sa.Text, nullable=False),
        sa.Column("last_sequence", sa.BigInteger, nullable=False),
        schema=SCHEMA,
    )
    op.create_table(
        "invoices",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("merchant_id", sa.Text, nullable=False),
        sa.Column("merchant_name", sa.Text, nullable=False),
        sa.Column("session_id", sa.Text, nullable=False, unique=True),
        sa.Column("sequence", sa.BigInteger, nullable=False),
        sa.Column("number", sa.Text, nullable=False),
        sa.Column("customer", JSONB, nullable=False),
        sa.Column("product", sa.Text),
        sa.Column("description", sa.Text),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.Text, nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("pdf", sa.LargeBinary),
        sa.UniqueConstraint("merchant_id", "sequence", name="invoices_merchant_sequence"),
        schema=SCHEMA,
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("merchant_id", sa.Text, nullable=False),
        sa.Column("session_id", sa.Text, nullable=False, unique=True),
        sa.Column("invoice_id", sa.Text, sa.ForeignKey(f"{SCHEMA}.invoices.id"), nullable=False),
        sa.Column("secret_hash", sa.Text, nullable=False),
        sa.Column("hint", sa.Text, nullable=False),
        sa.Column("sealed_key", sa.LargeBinary),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("revealed_at", sa.DateTime(timezone=True)),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.Column("revoke_reason", sa.Text),
        schema=SCHEMA,
    )
    op.create_table(
        "access_tokens",
        sa.Column("jti", sa.Text, primary_key=True),
        sa.Column("session_id", sa.Text, nullable=False, unique=True),
        sa.Column("kid", sa.Text, sa.ForeignKey(f"{SCHEMA}.signing_keys.kid"), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        schema=SCHEMA,
    )
    op.create_table(
        "revoked_sessions",
        sa.Column("session_id", sa.Text, primary_key=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column(
            "revoked_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        schema=SCHEMA,
    )


def downgrade() -> None:
    for table in ("revoked_sessions", "access_tokens", "api_keys", "invoices", "invoice_counters"):
        op.drop_table(table, schema=SCHEMA)
    op.drop_table("signing_keys", schema=SCHEMA)
    drop_messaging_tables(SCHEMA)
