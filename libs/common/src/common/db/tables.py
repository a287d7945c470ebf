"""The outbox and inbox tables every consuming or emitting service keeps in its own schema."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import BigInteger, Column, DateTime, MetaData, Table, Text, func
from sqlalchemy.dialects.postgresql import JSONB

__all__ = ["MessagingTables", "messaging_tables"]


@dataclass(frozen=True, slots=True)
class MessagingTables:
    """A service's ``outbox`` (events to publish) and ``inbox`` (event ids consumed)."""

    outbox: Table
    inbox: Table

    @property
    def notify_channel(self) -> str:
        """The ``LISTEN/NOTIFY`` channel that wakes this service's relay."""
        return f"{self.outbox.schema}_outbox"


def messaging_tables(metadata: MetaData) -> MessagingTables:
    """Define both tables in ``metadata.schema``."""
    outbox = Table(
        "outbox",
        metadata,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("event_id", Text, nullable=False, unique=True),
        Column("routing_key", Text, nullable=False),
        Column("body", JSONB, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("sent_at", DateTime(timezone=True)),
    )
    inbox = Table(
        "inbox",
        metadata,
        Column("event_id", Text, primary_key=True),
        Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    return MessagingTables(outbox=outbox, inbox=inbox)
