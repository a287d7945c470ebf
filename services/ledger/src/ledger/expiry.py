"""Expiring checkout sessions nobody paid.

``created`` and ``pending`` sessions past ``expires_at`` move to ``expired`` through the
state machine, with an ``applied`` timeline entry and ``payment.expired`` in the outbox.
Sessions are claimed with ``FOR UPDATE SKIP LOCKED``: several ledger processes sweep in
parallel, and a session a webhook is changing right now waits for the next sweep (where
it is no longer unpaid if that webhook paid it).
"""

from __future__ import annotations

from datetime import datetime

from common.events import PaymentStatus
from common.ids import event_id_for
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ledger import store
from ledger.effects import Cause, record_outcome
from ledger.tables import sessions

__all__ = ["EXPIRING", "expire_due"]

EXPIRING = (PaymentStatus.CREATED.value, PaymentStatus.PENDING.value)


async def expire_due(factory: async_sessionmaker[AsyncSession], now: datetime, limit: int) -> int:
    """Expire up to ``limit`` unpaid sessions whose ``expires_at`` is before ``now``."""
    async with factory.begin() as db:
        due = list(
            await db.scalars(
                select(sessions.c.id)
                .where(sessions.c.status.in_(EXPIRING))
                .where(sessions.c.expires_at <= now)
                .order_by(sessions.c.expires_at)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        for session_id in due:
            await _expire(db, session_id)
    return len(due)


async def _expire(db: AsyncSession, session_id: str) -> None:
    record = await store.lock_session_by_id(db, session_id)
    assert record is not None  # locked by the sweep's own query
    expires_at = record.row.expires_at
    cause = Cause(event_id_for("ledger", f"{session_id}:expired"), expires_at)
    detail = {"expires_at": expires_at.isoformat()}
    await record_outcome(db, record, record.checkout.expire(), cause, detail)
