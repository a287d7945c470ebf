"""Postgres helpers: engine, the inbox and outbox tables, and the outbox relay."""

from common.db.engine import create_engine, session_factory
from common.db.inbox import claim_event
from common.db.migrate import run_migrations
from common.db.outbox import enqueue
from common.db.relay import OutboxRelay
from common.db.tables import MessagingTables, messaging_tables

__all__ = [
    "MessagingTables",
    "OutboxRelay",
    "claim_event",
    "create_engine",
    "enqueue",
    "messaging_tables",
    "run_migrations",
    "session_factory",
]
