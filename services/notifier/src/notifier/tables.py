"""The ``notifier`` schema: consumed events, the stream log and the emails to send.

- ``inbox``: ids of the events the email consumer has applied (the notifier emits
  nothing, so it keeps no outbox).
- ``stream_log``: one row per payment or fulfillment event, numbered by ``id``; the
  number is the stream id every notifier instance and every client agrees on.
- ``emails``: one row per (session, kind), whatever the redeliveries; the mailer moves it
  ``pending`` → ``sending`` → ``sent`` (or ``failed``), and ``skipped`` means no address.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

__all__ = ["SCHEMA", "emails", "inbox", "metadata", "stream_log"]

SCHEMA = "notifier"

metadata = MetaData(schema=SCHEMA)

inbox = Table(
    "inbox",
    metadata,
    Column("event_id", Text, primary_key=True),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

stream_log = Table(
    "stream_log",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("event_id", Text, nullable=False, unique=True),
    Column("session_id", Text, nullable=False),
    Column("merchant_id", Text, nullable=False),
    Column("type", Text, nullable=False),
    Column("status", Text),
    Column("data", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("stream_log_session", "session_id", "id"),
    Index("stream_log_merchant", "merchant_id", "id"),
)

emails = Table(
    "emails",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("session_id", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("event_id", Text, nullable=False),
    Column("recipient", Text),
    Column("context", JSONB, nullable=False),
    Column("status", Text, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("sending_started_at", DateTime(timezone=True)),
    Column("sent_at", DateTime(timezone=True)),
    Column("last_error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("session_id", "kind", name="emails_session_kind"),
    Index(
        "emails_due", "next_attempt_at", postgresql_where=text("status IN ('pending', 'sending')")
    ),
)
