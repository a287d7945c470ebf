"""The ledger's tables, the journal balance triggers, the outbox and the inbox.

Revision ID: 0001
Revises:
Create Date: 2024-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from common.db.migration_ops import create_messaging_tables, drop_messaging_tables
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SCHEMA = "ledger"
MONEY = sa.Numeric(78, 0)
STATUSES = (
    "created",
    "pending",
    "paid",
    "failed",
    "review",
    "partially_refunded",
    "refunded",
    "disputed",
    "charged_back",
    "expired",
    "cancelled",
)


def _created_at() -> sa.Column[object]:
    return sa.Column(
        "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    )


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


BALANCE_FUNCTION = """
CREATE FUNCTION ledger.journal_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    entry bigint;
    unbalanced text;
BEGIN
    IF TG_TABLE_NAME = 'journal_entries' THEN
        entry := NEW.id;
    ELSE
        entry := NEW.entry_id;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM ledger.journal_lines WHERE entry_id = entry) THEN
        RAISE EXCEPTION 'journal entry % has no lines', entry USING ERRCODE = 'check_violation';
    END IF;
    SELECT currency INTO unbalanced FROM ledger.journal_lines
        WHERE entry_id = entry GROUP BY currency HAVING sum(amount) <> 0 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'journal entry % does not balance in %', entry, unbalanced
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$
"""

APPEND_ONLY_FUNCTION = """
CREATE FUNCTION ledger.journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the journal is append-only' USING ERRCODE = 'restrict_violation';
END $$
"""


def _journal_triggers() -> None:
    op.execute(BALANCE_FUNCTION)
    op.execute(APPEND_ONLY_FUNCTION)
    for table in ("journal_entries", "journal_lines"):
        op.execute(
            f"CREATE CONSTRAINT TRIGGER {table}_balanced AFTER INSERT ON {SCHEMA}.{table} "
            f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
            f"EXECUTE FUNCTION {SCHEMA}.journal_entry_balanced()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {SCHEMA}.{table} "
            f"FOR EACH ROW EXECUTE FUNCTION {SCHEMA}.journal_append_only()"
        )


def upgrade() -> None:
    op.create_table(
        "merchants",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("api_key_lookup", sa.Text, nullable=False, unique=True),
        sa.Column("api_key_hash", sa.Text, nullable=False),
        _created_at(),
        schema=SCHEMA,
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("merchant_id", sa.Text, sa.ForeignKey(f"{SCHEMA}.merchants.id"), nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("currency", sa.Text, nullable=False),
        sa.Column("provider", sa.Text, nullable=False),
        sa.Column("customer", JSONB, nullable=False),
        sa.Column("product", sa.Text),
        sa.Column("description", sa.Text),
        sa.Column("reference", sa.Text),
        sa.Column("metadata", JSONB, nullable=False),
        sa.Column("return_url", sa.Text),
        sa.Column("captured_amount", MONEY),
        sa.Column("captured_currency", sa.Text),
        sa.Column("amount_refunded", MONEY, nullable=False, server_default="0"),
        _created_at(),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("merchant_id", "reference", name="sessions_merchant_reference_key"),
        sa.CheckConstraint(_in("status", STATUSES), name="sessions_status_known"),
        sa.CheckConstraint("amount > 0", name="sessions_amount_positive"),
        sa.CheckConstraint(
            "amount_refunded >= 0 AND amount_refunded <= coalesce(captured_amount, 0)",
            name="sessions_refunds_within_capture",
        ),
        schema=SCHEMA,
    )
    op.create_index(
        "sessions_merchant_newest", "sessions", ["merchant_id", sa.text("id DESC")], schema=SCHEMA
    )
    op.create_index(
        "sessions_merchant_status_newest",
        "sessions",
        ["merchant_id", "status", sa.text("id DESC")],
        schema=SCHEMA,
    )
    op.create_table(
        "attempts",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("session_id", sa.Text, sa.ForeignKey(f"{SCHEMA}.sessions.id"), nullable=False),
        sa.Column("provider", sa.Text, nullable=False),
        sa.Column("provider_payment_id", sa.Text, nullable=False),
        _created_at(),
        sa.UniqueConstraint(
            "provider", "provider_payment_id", name="attempts_provider_payment_key"
        ),
        schema=SCHEMA,
    )
    op.create_index("attempts_session", "attempts", ["session_id"], schema=SCHEMA)
    op.create_table(
        "refunds",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("session_id", sa.Text, sa.ForeignKey(f"{SCHEMA}.sessions.id"), nullable=False),
        sa.Column("refund_id", sa.Text, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("currency", sa.Text, nullable=False),
        sa.Column("event_id", sa.Text, nullable=False),
        _created_at(),
        sa.UniqueConstraint("session_id", "refund_id", name="refunds_session_refund_key"),
        sa.CheckConstraint("amount > 0", name="refunds_amount_positive"),
        schema=SCHEMA,
    )
    op.create_table(
        "idempotency_keys",
        sa.Column(
            "merchant_id", sa.Text, sa.ForeignKey(f"{SCHEMA}.merchants.id"), primary_key=True
        ),
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("request_hash", sa.Text, nullable=False),
        sa.Column("response_status", sa.Integer),
        sa.Column("response_body", JSONB),
        _created_at(),
        schema=SCHEMA,
    )
    op.create_table(
        "timeline",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("session_id", sa.Text, sa.ForeignKey(f"{SCHEMA}.sessions.id"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("event_id", sa.Text),
        sa.Column("detail", JSONB, nullable=False),
        sa.CheckConstraint(
            _in("kind", ("received", "applied", "ignored")), name="timeline_kind_known"
        ),
        schema=SCHEMA,
    )
    op.create_index("timeline_session", "timeline", ["session_id", "id"], schema=SCHEMA)
    op.create_table(
        "webhook_log",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.Text, nullable=False, unique=True),
        sa.Column("session_id", sa.Text, sa.ForeignKey(f"{SCHEMA}.sessions.id")),
        sa.Column("provider", sa.Text, nullable=False),
        sa.Column("provider_event_id", sa.Text, nullable=False),
        sa.Column("provider_event_type", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("verified_by", sa.Text, nullable=False),
        sa.Column("event", JSONB, nullable=False),
        sa.Column("raw_content_type", sa.Text),
        sa.Column("raw_body", sa.Text),
        sa.Column(
            "received_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        schema=SCHEMA,
    )
    op.create_index("webhook_log_session", "webhook_log", ["session_id"], schema=SCHEMA)
    op.create_index(
        "webhook_log_unmatched",
        "webhook_log",
        ["id"],
        schema=SCHEMA,
        postgresql_where=sa.text("session_id IS NULL"),
    )
    op.create_table(
        "journal_entries",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("session_id", sa.Text, sa.ForeignKey(f"{SCHEMA}.sessions.id"), nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("event_id", sa.Text),
        _created_at(),
        sa.CheckConstraint(
            _in("kind", ("capture", "refund", "chargeback")), name="journal_entries_kind_known"
        ),
        schema=SCHEMA,
    )
    op.create_index("journal_entries_session", "journal_entries", ["session_id"], schema=SCHEMA)
    op.create_table(
        "journal_lines",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column(
            "entry_id", sa.BigInteger, sa.ForeignKey(f"{SCHEMA}.journal_entries.id"), nullable=False
        ),
        sa.Column("account", sa.Text, nullable=False),
        sa.Column("currency", sa.Text, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.CheckConstraint("amount <> 0", name="journal_lines_amount_nonzero"),
        schema=SCHEMA,
    )
    op.create_index("journal_lines_entry", "journal_lines", ["entry_id"], schema=SCHEMA)
    op.create_index(
        "journal_lines_account", "journal_lines", ["account", "currency"], schema=SCHEMA
    )
    _journal_triggers()
    create_messaging_tables(SCHEMA)


def downgrade() -> None:
    drop_messaging_tables(SCHEMA)
    for table in (
        "journal_lines",
        "journal_entries",
        "webhook_log",
        "timeline",
        "idempotency_keys",
        "refunds",
        "attempts",
        "sessions",
        "merchants",
    ):
        op.drop_table(table, schema=SCHEMA)
    op.execute(f"DROP FUNCTION {SCHEMA}.journal_entry_balanced()")
    op.execute(f"DROP FUNCTION {SCHEMA}.journal_append_only()")
