"""The ``refunds`` rows of requested refunds: reserving, naming, reading, finding unanswered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ledger.domain import PendingRefund
from ledger.gateways import RefundRequest, RefundStatusRequest
from ledger.queries import REFUND_COLUMNS
from ledger.schemas import Refund
from ledger.store import REQUESTED
from ledger.tables import attempts, refunds

__all__ = [
    "awaiting",
    "find_refund",
    "insert_requested",
    "name_refund",
    "request_for",
    "unanswered",
]

# paywire's refund id is also the provider's idempotency key, so sending a requested
# refund again never refunds twice.


async def insert_requested(
    db: AsyncSession, session_id: str, pending: PendingRefund, currency: str, reason: str | None
) -> None:
    """Reserve ``pending``'s amount; the database refuses it if it does not fit the capture."""
    await db.execute(
        insert(refunds).values(
            session_id=session_id,
            refund_id=pending.refund_id,
            amount=pending.amount,
            currency=currency,
            status=REQUESTED,
            reason=reason,
        )
    )


async def name_refund(
    db: AsyncSession, session_id: str, refund_id: str, provider_refund_id: str
) -> None:
    """Remember the provider's id for a refund (unless an event named it first)."""
    await db.execute(
        update(refunds)
        .where(refunds.c.session_id == session_id)
        .where(refunds.c.refund_id == refund_id)
        .where(refunds.c.provider_refund_id.is_(None))
        .values(provider_refund_id=provider_refund_id, updated_at=func.now())
    )


async def find_refund(db: AsyncSession, session_id: str, refund_id: str) -> Refund:
    """A refund of the session as the merchant sees it."""
    row = (
        await db.execute(
            select(*REFUND_COLUMNS)
            .where(refunds.c.session_id == session_id)
            .where(refunds.c.refund_id == refund_id)
        )
    ).one()
    return Refund.model_validate(row._mapping)


async def unanswered(
    db: AsyncSession, session_id: str, requested_before: datetime
) -> list[RefundRequest]:
    """Requested refunds of the session the provider has not named by ``requested_before``."""
    return await _requests(
        db,
        session_id,
        refunds.c.status == REQUESTED,
        refunds.c.provider_refund_id.is_(None),
        refunds.c.created_at <= requested_before,
    )


async def awaiting(db: AsyncSession, session_id: str) -> list[RefundStatusRequest]:
    """Requested refunds of the session the provider has named but not yet completed:
    what to ask its refund-status API about."""
    rows = (
        await db.execute(
            select(
                refunds.c.refund_id,
                refunds.c.provider_refund_id,
                refunds.c.amount,
                refunds.c.currency,
            )
            .where(refunds.c.session_id == session_id)
            .where(refunds.c.status == REQUESTED)
            .where(refunds.c.provider_refund_id.is_not(None))
            .order_by(refunds.c.id)
        )
    ).all()
    if not rows:
        return []
    payment_ids = await _payment_ids(db, session_id)
    return [
        RefundStatusRequest(
            session_id=session_id,
            refund_id=row.refund_id,
            provider_refund_id=row.provider_refund_id,
            amount=row.amount,
            currency=row.currency,
            provider_payment_ids=payment_ids,
        )
        for row in rows
    ]


async def request_for(db: AsyncSession, session_id: str, refund_id: str) -> RefundRequest:
    """What to send the provider for refund ``refund_id``."""
    (request,) = await _requests(db, session_id, refunds.c.refund_id == refund_id)
    return request


async def _requests(
    db: AsyncSession, session_id: str, *conditions: ColumnElement[bool]
) -> list[RefundRequest]:
    rows = (
        await db.execute(
            select(refunds.c.refund_id, refunds.c.amount, refunds.c.currency, refunds.c.reason)
            .where(refunds.c.session_id == session_id, *conditions)
            .order_by(refunds.c.id)
        )
    ).all()
    if not rows:
        return []
    payment_ids = await _payment_ids(db, session_id)
    return [
        RefundRequest(
            session_id=session_id,
            refund_id=row.refund_id,
            amount=row.amount,
            currency=row.currency,
            provider_payment_ids=payment_ids,
            reason=row.reason,
            idempotency_key=row.refund_id,
        )
        for row in rows
    ]


async def _payment_ids(db: AsyncSession, session_id: str) -> tuple[str, ...]:
    return tuple(
        await db.scalars(
            select(attempts.c.provider_payment_id)
            .where(attempts.c.session_id == session_id)
            .order_by(attempts.c.id)
        )
    )
