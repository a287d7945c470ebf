"""What fulfillment issued for each paid session, as the ledger heard it.

Revision ID: 0005_fulfillments
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_fulfillments"
down_revision = "0001"
branch_labels = None
depends_on = None

SCHEMA = "ledger"


def upgrade() -> None:
    op.create_table(
        "fulfillments",
        sa.Column("session_id", sa.Text, sa.ForeignKey(f"{SCHEMA}.sessions.id"), primary_key=True),
        sa.Column("invoice_id", sa.Text, nullable=False),
        sa.Column("invoice_number", sa.Text, nullable=False),
        sa.Column("api_key_id", sa.Text, nullable=False),
        sa.Column("access_expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.Column("revoked_reason", sa.Text),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("fulfillments", schema=SCHEMA)
