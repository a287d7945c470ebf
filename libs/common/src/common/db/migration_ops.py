"""alembic operations shared by every service's migrations."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

__all__ = ["create_messaging_tables", "drop_messaging_tables"]


def create_messaging_tables(schema: str) -> None:
    """Create ``<schema>.outbox`` and ``<schema>.inbox`` (see ``common.db.tables``)."""
    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.Text, nullable=False, unique=True),
        sa.Column("routing_key", sa.Text, nullable=False),
        sa.Column("body", JSONB, nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        schema=schema,
    )
    op.create_index(
        "outbox_unsent",
        "outbox",
        ["id"],
        schema=schema,
        postgresql_where=sa.text("sent_at IS NULL"),
    )
    op.create_table(
        "inbox",
        sa.Column("event_id", sa.Text, primary_key=True),
        sa.Column(
            "received_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        schema=schema,
    )


def drop_messaging_tables(schema: str) -> None:
    """Undo ``create_messaging_tables``."""
    op.drop_table("inbox", schema=schema)
    op.drop_table("outbox", schema=schema)
