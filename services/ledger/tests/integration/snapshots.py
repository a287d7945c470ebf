"""What a session's changes wrote, read back whole for assertions."""

from typing import Any

from ledger.tables import (
    journal_entries,
    journal_lines,
    messaging,
    reconciliation,
    sessions,
    timeline,
)
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

Db = async_sessionmaker[AsyncSession]


def paid_once(merchant_id: str, *timeline_kinds: str) -> dict[str, Any]:
    """The snapshot of a 10.00 USD Stripe session paid exactly once."""
    return {
        "status": "paid",
        "refunded": 0,
        "pending": 0,
        "journal": [
            ("capture", "provider_clearing:stripe", 1000),
            ("capture", f"merchant_payable:{merchant_id}", -1000),
        ],
        "timeline": list(timeline_kinds),
        "outbox": ["payment.paid"],
    }


async def snapshot(db: Db, session_id: str) -> dict[str, Any]:
    """The session's status and refund totals, journal lines, timeline kinds and outbox keys."""
    async with db() as conn:
        row = (
            await conn.execute(
                select(
                    sessions.c.status,
                    sessions.c.amount_refunded,
                    sessions.c.amount_refund_pending,
                ).where(sessions.c.id == session_id)
            )
        ).one()
        lines = await conn.execute(
            select(journal_entries.c.kind, journal_lines.c.account, journal_lines.c.amount)
            .join(journal_lines, journal_lines.c.entry_id == journal_entries.c.id)
            .where(journal_entries.c.session_id == session_id)
            .order_by(journal_lines.c.id)
        )
        kinds = await conn.scalars(
            select(timeline.c.kind)
            .where(timeline.c.session_id == session_id)
            .order_by(timeline.c.id)
        )
        keys = await conn.scalars(
            select(messaging.outbox.c.routing_key)
            .where(messaging.outbox.c.body["subject"].astext == session_id)
            .order_by(messaging.outbox.c.id)
        )
        return {
            "status": row.status,
            "refunded": row.amount_refunded,
            "pending": row.amount_refund_pending,
            "journal": [tuple(line) for line in lines],
            "timeline": list(kinds),
            "outbox": list(keys),
        }


async def schedule_of(db: Db, session_id: str) -> dict[str, Any]:
    """The session's ``reconciliation`` row."""
    async with db() as conn:
        row = (
            await conn.execute(
                select(
                    reconciliation.c.next_check_at,
                    reconciliation.c.attempt,
                    reconciliation.c.failures,
                    reconciliation.c.last_error,
                ).where(reconciliation.c.session_id == session_id)
            )
        ).one()
    return dict(row._mapping)
