"""Reading and writing a session's state inside the transaction that changes it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from common.events import PaymentStatus, ProviderEvent
from common.money import Money
from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from ledger.domain import (
    CheckoutSession,
    JournalEntry,
    PendingRefund,
    RefundRecorded,
    RefundReleased,
)
from ledger.tables import (
    attempts,
    journal_entries,
    journal_lines,
    merchants,
    refunds,
    sessions,
    timeline,
    webhook_log,
)

__all__ = [
    "FAILED",
    "REQUESTED",
    "SUCCEEDED",
    "SessionRecord",
    "add_timeline",
    "lock_session",
    "lock_session_by_id",
    "post_entries",
    "record_attempts",
    "record_refunds",
    "record_webhook",
    "release_refunds",
    "save_session",
]

REQUESTED, SUCCEEDED, FAILED = "requested", "succeeded", "failed"
"""A refund row's ``status``: asked of the provider, done, or failed (amount released)."""


_LOCKED = (
    select(sessions, merchants.c.name.label("merchant_name"))
    .join(merchants, merchants.c.id == sessions.c.merchant_id)
    .with_for_update(of=sessions)
)


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """A locked session row with its merchant's name and its state-machine view."""

    row: Any
    merchant_name: str
    checkout: CheckoutSession

    @property
    def id(self) -> str:
        """The session id."""
        return str(self.row.id)


async def lock_session(db: AsyncSession, event: ProviderEvent) -> SessionRecord | None:
    """Find the event's session by ``session_ref`` or a recorded provider payment id, and
    lock its row until the transaction ends (``SELECT ... FOR UPDATE``)."""
    record = None
    if event.session_ref:
        record = await lock_session_by_id(db, event.session_ref)
    if record is None and event.provider_payment_ids:
        by_payment = (
            select(attempts.c.session_id)
            .where(attempts.c.provider == event.provider)
            .where(attempts.c.provider_payment_id.in_(event.provider_payment_ids))
        )
        matching = _LOCKED.where(sessions.c.id.in_(by_payment)).order_by(sessions.c.id).limit(1)
        record = await _load(db, (await db.execute(matching)).first())
    return record


async def lock_session_by_id(
    db: AsyncSession, session_id: str, merchant_id: str | None = None
) -> SessionRecord | None:
    """Lock session ``session_id`` (only if ``merchant_id`` owns it, when given)."""
    query = _LOCKED.where(sessions.c.id == session_id)
    if merchant_id is not None:
        query = query.where(sessions.c.merchant_id == merchant_id)
    return await _load(db, (await db.execute(query)).first())


async def _load(db: AsyncSession, row: Any) -> SessionRecord | None:
    if row is None:
        return None
    session_refunds = (
        await db.execute(
            select(
                refunds.c.refund_id,
                refunds.c.provider_refund_id,
                refunds.c.status,
                refunds.c.amount,
            )
            .where(refunds.c.session_id == row.id)
            .order_by(refunds.c.id)
        )
    ).all()
    pending = tuple(
        PendingRefund(r.refund_id, r.amount, r.provider_refund_id)
        for r in session_refunds
        if r.status == REQUESTED
    )
    settled = [r for r in session_refunds if r.status != REQUESTED]
    refund_ids = {r.refund_id for r in settled} | {
        r.provider_refund_id for r in settled if r.provider_refund_id
    }
    captured = (
        Money(row.captured_amount, row.captured_currency)
        if row.captured_amount is not None and row.captured_currency is not None
        else None
    )
    checkout = CheckoutSession(
        id=row.id,
        status=PaymentStatus(row.status),
        price=Money(row.amount, row.currency),
        captured=captured,
        refunded=row.amount_refunded,
        refund_ids=frozenset(refund_ids),
        pending_refunds=pending,
    )
    return SessionRecord(row=row, merchant_name=row.merchant_name, checkout=checkout)


async def record_webhook(
    db: AsyncSession, event_id: str, event: ProviderEvent, session_id: str | None
) -> None:
    """Keep the received event and its raw body; ``session_id`` is None when unmatched."""
    await db.execute(
        insert(webhook_log).values(
            event_id=event_id,
            session_id=session_id,
            provider=event.provider,
            provider_event_id=event.provider_event_id,
            provider_event_type=event.provider_event_type,
            kind=event.kind.value,
            verified_by=event.verified_by.value,
            event=event.model_dump(mode="json", exclude={"raw"}),
            raw_content_type=event.raw.content_type if event.raw else None,
            raw_body=event.raw.text if event.raw else None,
        )
    )


async def record_attempts(
    db: AsyncSession, session_id: str, provider: str, payment_ids: tuple[str, ...]
) -> None:
    """Remember provider payment ids so later events that carry only them still match."""
    if payment_ids:
        await db.execute(
            pg_insert(attempts)
            .values(
                [
                    {"session_id": session_id, "provider": provider, "provider_payment_id": pid}
                    for pid in dict.fromkeys(payment_ids)
                ]
            )
            .on_conflict_do_nothing(index_elements=["provider", "provider_payment_id"])
        )


async def add_timeline(
    db: AsyncSession, session_id: str, kind: str, event_id: str | None, detail: dict[str, Any]
) -> None:
    """Append to a session's timeline (``received``, ``applied`` or ``ignored``)."""
    await db.execute(
        insert(timeline).values(session_id=session_id, kind=kind, event_id=event_id, detail=detail)
    )


async def save_session(db: AsyncSession, after: CheckoutSession) -> None:
    """Write the state machine's view of the session back to its row; the refunded and
    pending amounts follow the ``refunds`` rows (a trigger keeps them)."""
    await db.execute(
        update(sessions)
        .where(sessions.c.id == after.id)
        .values(
            status=after.status.value,
            captured_amount=after.captured.minor if after.captured else None,
            captured_currency=after.captured.currency if after.captured else None,
            updated_at=func.now(),
        )
    )


async def record_refunds(
    db: AsyncSession, session_id: str, recorded: Iterable[RefundRecorded], event_id: str
) -> None:
    """Insert the refunds an event recorded, or mark the requested ones it completed."""
    for refund in recorded:
        done: dict[str, Any] = {
            "amount": refund.amount.minor,
            "event_id": event_id,
            "status": SUCCEEDED,
        }
        if refund.requested:
            provider_refund_id = func.coalesce(
                refunds.c.provider_refund_id, refund.provider_refund_id
            )
            await db.execute(
                update(refunds)
                .where(refunds.c.session_id == session_id)
                .where(refunds.c.refund_id == refund.refund_id)
                .values(done | {"provider_refund_id": provider_refund_id, "updated_at": func.now()})
            )
        else:
            await db.execute(
                insert(refunds).values(
                    done
                    | {
                        "session_id": session_id,
                        "refund_id": refund.refund_id,
                        "provider_refund_id": refund.provider_refund_id,
                        "currency": refund.amount.currency,
                    }
                )
            )


async def release_refunds(
    db: AsyncSession, session_id: str, released: Iterable[RefundReleased]
) -> None:
    """Mark requested refunds failed, which releases the amounts they reserved."""
    for refund in released:
        await db.execute(
            update(refunds)
            .where(refunds.c.session_id == session_id)
            .where(refunds.c.refund_id == refund.refund_id)
            .values(status=FAILED, failure_reason=refund.reason, updated_at=func.now())
        )


async def post_entries(
    db: AsyncSession, session_id: str, entries: tuple[JournalEntry, ...], event_id: str
) -> None:
    """Insert journal entries; the database refuses, at commit, one that does not balance."""
    for entry in entries:
        entry_id = await db.scalar(
            insert(journal_entries)
            .values(session_id=session_id, kind=entry.kind.value, event_id=event_id)
            .returning(journal_entries.c.id)
        )
        await db.execute(
            insert(journal_lines),
            [
                {
                    "entry_id": entry_id,
                    "account": line.account,
                    "currency": line.currency,
                    "amount": line.amount,
                }
                for line in entry.lines
            ],
        )
