"""Checkout details on sessions, Idempotency-Key claims that outlive a transaction, and the
Stripe customers paywire keeps per merchant customer.

- ``sessions.checkout``: what the customer needs to pay, as the provider answered it.
- ``idempotency_keys.session_id`` / ``locked_until``: a key is claimed (with the session id it
  reserves) before the provider is called and completed after; ``locked_until`` is the lease
  after which a claim left by a dead process may be taken over.
- ``stripe_customers``: one Stripe customer per (merchant, merchant's customer id).

Revision ID: 0002_checkout
Revises: 0001
Create Date: 2024-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002_checkout"
down_revision = "0001"
branch_labels = None
depends_on = None

SCHEMA = "ledger"


def upgrade() -> None:
    op.add_column("sessions", sa.Column("checkout", JSONB), schema=SCHEMA)
    op.add_column("idempotency_keys", sa.Column("session_id", sa.Text), schema=SCHEMA)
    op.add_column(
        "idempotency_keys", sa.Column("locked_until", sa.DateTime(timezone=True)), schema=SCHEMA
    )
    op.create_table(
        "stripe_customers",
        sa.Column(
            "merchant_id", sa.Text, sa.ForeignKey(f"{SCHEMA}.merchants.id"), primary_key=True
        ),
        sa.Column("customer_id", sa.Text, primary_key=True),
        sa.Column("stripe_customer_id", sa.Text, nullable=False, unique=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("stripe_customers", schema=SCHEMA)
    op.drop_column("idempotency_keys", "locked_until", schema=SCHEMA)
    op.drop_column("idempotency_keys", "session_id", schema=SCHEMA)
    op.drop_column("sessions", "checkout", schema=SCHEMA)
