"""Read models of the merchant and public API; every merchant query is scoped to its owner."""

from __future__ import annotations

from common.events import PaymentStatus
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ledger.schemas import (
    Attempt,
    PublicSession,
    Refund,
    SessionDetail,
    SessionOut,
    TimelineItem,
)
from ledger.tables import attempts, fulfillments, refunds, sessions, timeline

__all__ = ["REFUND_COLUMNS", "Page", "find_public_session", "find_session", "list_sessions"]

_OUT = [
    sessions.c[name]
    for name in (
        "id",
        "status",
        "amount",
        "currency",
        "amount_refunded",
        "provider",
        "customer",
        "product",
        "description",
        "reference",
        "metadata",
        "return_url",
        "created_at",
        "expires_at",
        "checkout",
    )
]

REFUND_COLUMNS = [refunds.c[name] for name in Refund.model_fields]
"""The ``refunds`` columns a ``Refund`` shows."""

FULFILLMENT_COLUMNS = [c for c in fulfillments.c if c.name != "session_id"]
"""What fulfillment reported: invoice, key id, access expiry, issue and revocation times."""


async def find_session(db: AsyncSession, merchant_id: str, session_id: str) -> SessionDetail | None:
    """The merchant's session with its attempts, refunds and timeline, or None."""
    row = (
        await db.execute(
            select(*_OUT)
            .where(sessions.c.id == session_id)
            .where(sessions.c.merchant_id == merchant_id)
        )
    ).first()
    if row is None:
        return None
    session_attempts = await db.execute(
        select(attempts.c.provider, attempts.c.provider_payment_id, attempts.c.created_at)
        .where(attempts.c.session_id == session_id)
        .order_by(attempts.c.id)
    )
    session_refunds = await db.execute(
        select(*REFUND_COLUMNS).where(refunds.c.session_id == session_id).order_by(refunds.c.id)
    )
    history = await db.execute(
        select(timeline.c.at, timeline.c.kind, timeline.c.event_id, timeline.c.detail)
        .where(timeline.c.session_id == session_id)
        .order_by(timeline.c.id)
    )
    fulfilled = (
        await db.execute(
            select(*FULFILLMENT_COLUMNS).where(fulfillments.c.session_id == session_id)
        )
    ).first()
    return SessionDetail(
        **row._mapping,
        fulfillment=dict(fulfilled._mapping) if fulfilled else None,
        attempts=[Attempt.model_validate(a._mapping) for a in session_attempts],
        refunds=[Refund.model_validate(r._mapping) for r in session_refunds],
        timeline=[TimelineItem.model_validate(t._mapping) for t in history],
    )


Page = tuple[list[SessionOut], bool]
"""A page of sessions and whether more follow."""


async def list_sessions(
    db: AsyncSession,
    merchant_id: str,
    status: PaymentStatus | None,
    limit: int,
    before_id: str | None,
) -> Page:
    """The merchant's sessions, newest first (ids are time-ordered), after ``before_id``."""
    query = select(*_OUT).where(sessions.c.merchant_id == merchant_id)
    if status is not None:
        query = query.where(sessions.c.status == status.value)
    if before_id is not None:
        query = query.where(sessions.c.id < before_id)
    rows = (await db.execute(query.order_by(sessions.c.id.desc()).limit(limit + 1))).all()
    return [SessionOut.model_validate(row._mapping) for row in rows[:limit]], len(rows) > limit


async def find_public_session(db: AsyncSession, session_id: str) -> PublicSession | None:
    """The public view of any session: id, status, amount and currency."""
    row = (
        await db.execute(
            select(sessions.c.id, sessions.c.status, sessions.c.amount, sessions.c.currency).where(
                sessions.c.id == session_id
            )
        )
    ).first()
    return PublicSession.model_validate(row._mapping) if row else None
