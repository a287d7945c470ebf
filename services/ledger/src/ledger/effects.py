"""Writing what an ``Outcome`` of the state machine means, inside the transaction that
locked the session: the session row, refunds, journal entries, the ``applied`` timeline
entry and the ``payment.<status>`` event in the outbox; a settled session also lets go of
its deposit address.

Every change of a session goes through here, whatever caused it: a provider event
(webhook or status check), a merchant action, or the expiry sweeper.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from common.db import enqueue
from sqlalchemy.ext.asyncio import AsyncSession

from ledger import deposit_addresses, store
from ledger.domain import Outcome, RefundRecorded, RefundReleased, StatusChanged, entries_for
from ledger.payment_events import payment_cloud_event
from ledger.tables import messaging

__all__ = ["Cause", "record_outcome"]


@dataclass(frozen=True, slots=True)
class Cause:
    """What caused an outcome: its event id, when it happened, and the correlation id
    (the event id itself when the cause started the chain)."""

    event_id: str
    occurred_at: datetime
    correlation_id: str | None = None


async def record_outcome(
    db: AsyncSession,
    record: store.SessionRecord,
    outcome: Outcome,
    cause: Cause,
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Persist ``outcome`` of ``record``'s session; ``detail`` adds to the timeline entry."""
    before, after = record.checkout, outcome.session
    recorded = [e for e in outcome.events if isinstance(e, RefundRecorded)]
    released = [e for e in outcome.events if isinstance(e, RefundReleased)]
    await store.save_session(db, after)
    await deposit_addresses.release(db, record.id, after.status)
    await store.record_refunds(db, record.id, recorded, cause.event_id)
    await store.release_refunds(db, record.id, released)
    entries = entries_for(before, after, record.row.merchant_id, record.row.provider)
    await store.post_entries(db, record.id, entries, cause.event_id)
    await store.add_timeline(
        db, record.id, "applied", cause.event_id, _applied(outcome, before.status.value, detail)
    )
    if recorded or any(isinstance(e, StatusChanged) for e in outcome.events):
        payment = payment_cloud_event(
            record, after, cause.occurred_at, cause.event_id, cause.correlation_id or cause.event_id
        )
        await enqueue(db, messaging.outbox, payment, f"payment.{after.status.value}")


def _applied(outcome: Outcome, before: str, extra: Mapping[str, Any] | None) -> dict[str, Any]:
    detail: dict[str, Any] = {
        "trigger": outcome.trigger.value,
        "from": before,
        "to": outcome.session.status.value,
    }
    if outcome.note:
        detail["note"] = outcome.note
    refunds = [
        {"refund_id": e.refund_id, "amount": e.amount.minor, "currency": e.amount.currency}
        for e in outcome.events
        if isinstance(e, RefundRecorded)
    ]
    if refunds:
        detail["refunds"] = refunds
    released = [
        {"refund_id": e.refund_id, "amount": e.amount.minor, "reason": e.reason}
        for e in outcome.events
        if isinstance(e, RefundReleased)
    ]
    if released:
        detail["released"] = released
    return detail | dict(extra or {})
