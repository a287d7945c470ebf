"""Deposit addresses held by sessions: one open session per address at a time.

- ``deposit_addresses``: a row per hold of a pool address (``network``, lower-cased
  ``address``) by a session, from ``allocated_at`` until ``released_at``. The session is
  not a foreign key: the hold is taken while the checkout is created, before the session
  row is inserted.
- Partial unique indexes: at most one unreleased hold per address (the race between two
  checkouts for the last free address is decided by it) and per session.

Revision ID: 0004_deposit_addresses
Revises: 0001
Create Date: 2024-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_deposit_addresses"
down_revision = "0001"
branch_labels = None
depends_on = None

SCHEMA = "ledger"
ACTIVE = sa.text("released_at IS NULL")


def upgrade() -> None:
    op.create_table(
        "deposit_addresses",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("network", sa.Text, nullable=False),
        sa.Column("address", sa.Text, nullable=False),
        sa.Column("session_id", sa.Text, nullable=False),
        sa.Column(
            "allocated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("released_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("address = lower(address)", name="deposit_addresses_lower_case"),
        schema=SCHEMA,
    )
    op.create_index(
        "deposit_addresses_held",
        "deposit_addresses",
        ["network", "address"],
        unique=True,
        schema=SCHEMA,
        postgresql_where=ACTIVE,
    )
    op.create_index(
        "deposit_addresses_session_held",
        "deposit_addresses",
        ["session_id"],
        unique=True,
        schema=SCHEMA,
        postgresql_where=ACTIVE,
    )
    op.create_index(
        "deposit_addresses_history",
        "deposit_addresses",
        ["network", "address", "released_at"],
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("deposit_addresses", schema=SCHEMA)
