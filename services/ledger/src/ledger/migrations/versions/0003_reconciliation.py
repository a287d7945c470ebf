"""Requested refunds held within the capture by the database, and the status-check schedule.

- ``refunds`` gains ``status`` (``requested``, ``succeeded``, ``failed``; rows recorded
  from webhooks are ``succeeded``), the provider's refund id, the merchant's reason and
  the failure reason; ``event_id`` is empty until an event completes a requested refund.
- A trigger keeps ``sessions.amount_refunded`` (succeeded) and the new
  ``amount_refund_pending`` (requested) equal to the sums over ``refunds``, and a CHECK
  keeps their total within the capture. Every refund row updates its session row, so
  concurrent requests serialize on that row and the CHECK sees each one's total.
- ``reconciliation``: per session, when the provider's status API is asked next, how many
  checks were made and how many consecutive calls failed.

Revision ID: 0003_reconciliation
Revises: 0001
Create Date: 2024-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_reconciliation"
down_revision = "0001"
branch_labels = None
depends_on = None

SCHEMA = "ledger"
MONEY = sa.Numeric(78, 0)

REFUND_TOTALS_FUNCTION = """
CREATE FUNCTION ledger.refund_totals() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    refunded numeric := 0;
    pending numeric := 0;
    session text;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        session := OLD.session_id;
        refunded := refunded - CASE WHEN OLD.status = 'succeeded' THEN OLD.amount ELSE 0 END;
        pending := pending - CASE WHEN OLD.status = 'requested' THEN OLD.amount ELSE 0 END;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        session := NEW.session_id;
        refunded := refunded + CASE WHEN NEW.status = 'succeeded' THEN NEW.amount ELSE 0 END;
        pending := pending + CASE WHEN NEW.status = 'requested' THEN NEW.amount ELSE 0 END;
    END IF;
    IF refunded <> 0 OR pending <> 0 THEN
        UPDATE ledger.sessions
            SET amount_refunded = amount_refunded + refunded,
                amount_refund_pending = amount_refund_pending + pending
            WHERE id = session;
    END IF;
    RETURN NULL;
END $$
"""


def upgrade() -> None:
    op.add_column(
        "sessions",
        sa.Column("amount_refund_pending", MONEY, nullable=False, server_default="0"),
        schema=SCHEMA,
    )
    op.create_check_constraint(
        "sessions_requested_refunds_within_capture",
        "sessions",
        "amount_refund_pending >= 0 "
        "AND amount_refunded + amount_refund_pending <= coalesce(captured_amount, 0)",
        schema=SCHEMA,
    )
    for column in (
        sa.Column("status", sa.Text, nullable=False, server_default="succeeded"),
        sa.Column("provider_refund_id", sa.Text),
        sa.Column("reason", sa.Text),
        sa.Column("failure_reason", sa.Text),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    ):
        op.add_column("refunds", column, schema=SCHEMA)
    op.alter_column("refunds", "event_id", nullable=True, schema=SCHEMA)
    op.create_check_constraint(
        "refunds_status_known",
        "refunds",
        "status IN ('requested', 'succeeded', 'failed')",
        schema=SCHEMA,
    )
    op.execute(REFUND_TOTALS_FUNCTION)
    op.execute(
        f"CREATE TRIGGER refunds_totals AFTER INSERT OR DELETE OR UPDATE OF status, amount "
        f"ON {SCHEMA}.refunds FOR EACH ROW EXECUTE FUNCTION {SCHEMA}.refund_totals()"
    )
    op.create_table(
        "reconciliation",
        sa.Column("session_id", sa.Text, sa.ForeignKey(f"{SCHEMA}.sessions.id"), primary_key=True),
        sa.Column("next_check_at", sa.DateTime(timezone=True)),
        sa.Column("attempt", sa.Integer, nullable=False, server_default="0"),
        sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_checked_at", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.Text),
        schema=SCHEMA,
    )
    op.create_index(
        "reconciliation_due",
        "reconciliation",
        ["next_check_at"],
        schema=SCHEMA,
        postgresql_where=sa.text("next_check_at IS NOT NULL"),
    )
    op.create_index(
        "sessions_open",
        "sessions",
        ["created_at"],
        schema=SCHEMA,
        postgresql_where=sa.text("status IN ('created', 'pending', 'failed')"),
    )
    op.create_index(
        "sessions_expiring",
        "sessions",
        ["expires_at"],
        schema=SCHEMA,
        postgresql_where=sa.text("status IN ('created', 'pending')"),
    )


def downgrade() -> None:
    op.drop_index("sessions_expiring", "sessions", schema=SCHEMA)
    op.drop_index("sessions_open", "sessions", schema=SCHEMA)
    op.drop_table("reconciliation", schema=SCHEMA)
    op.execute(f"DROP TRIGGER refunds_totals ON {SCHEMA}.refunds")
    op.execute(f"DROP FUNCTION {SCHEMA}.refund_totals()")
    op.execute("DELETE FROM ledger.refunds WHERE status <> 'succeeded'")
    op.drop_constraint("refunds_status_known", "refunds", schema=SCHEMA)
    op.alter_column("refunds", "event_id", nullable=False, schema=SCHEMA)
    for column in ("updated_at", "failure_reason", "reason", "provider_refund_id", "status"):
        op.drop_column("refunds", column, schema=SCHEMA)
    op.drop_constraint("sessions_requested_refunds_within_capture", "sessions", schema=SCHEMA)
    op.drop_column("sessions", "amount_refund_pending", schema=SCHEMA)
