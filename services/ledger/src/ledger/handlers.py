"""Consuming provider events: one transaction per event, applied exactly once.

In that transaction: claim the event id in the inbox (a duplicate stops here), keep the
event in the webhook log, lock the matched session, record its provider payment ids,
apply the state machine, write the timeline, the journal, and the ``payment.<status>``
event to the outbox. An unmatched event stays in the webhook log and changes nothing.
"""

from __future__ import annotations

from typing import Any

from common.db import claim_event
from common.events import CloudEvent, ProviderEvent
from common.logging import get_logger
from common.messaging import PermanentFailure
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ledger import store
from ledger.domain import IllegalTransition
from ledger.effects import Cause, record_outcome
from ledger.metrics import PROVIDER_EVENTS
from ledger.tables import messaging

__all__ = ["on_provider_event"]

log = get_logger(__name__)


async def on_provider_event(event: CloudEvent, sessions: async_sessionmaker[AsyncSession]) -> None:
    """Apply one provider event; raises ``PermanentFailure`` when its data is malformed."""
    try:
        provider_event = ProviderEvent.model_validate(event.data)
    except ValidationError as exc:
        raise PermanentFailure(f"not a provider event: {exc.error_count()} errors") from exc
    detail: dict[str, Any] = {}
    async with sessions.begin() as db:
        if not await claim_event(db, messaging.inbox, event.id):
            outcome = "duplicate"
        else:
            outcome, detail = await _handle(db, event, provider_event)
    PROVIDER_EVENTS.labels(outcome).inc()
    log.info(
        "provider_event_handled",
        outcome=outcome,
        provider=provider_event.provider,
        kind=provider_event.kind.value,
        provider_event_id=provider_event.provider_event_id,
        **detail,
    )


async def _handle(
    db: AsyncSession, event: CloudEvent, provider_event: ProviderEvent
) -> tuple[str, dict[str, Any]]:
    record = await store.lock_session(db, provider_event)
    await store.record_webhook(db, event.id, provider_event, record.id if record else None)
    if record is None:
        return "unmatched", {}
    await store.record_attempts(
        db, record.id, provider_event.provider, provider_event.provider_payment_ids
    )
    await store.add_timeline(db, record.id, "received", event.id, _received(provider_event))
    try:
        outcome = record.checkout.apply(provider_event)
    except IllegalTransition as exc:
        await store.add_timeline(db, record.id, "ignored", event.id, {"reason": exc.reason})
        return "ignored", {"session_id": record.id, "reason": exc.reason}
    cause = Cause(event.id, provider_event.occurred_at or event.time, event.correlationid)
    await record_outcome(db, record, outcome, cause)
    return "applied", {"session_id": record.id, "status": outcome.session.status.value}


def _received(event: ProviderEvent) -> dict[str, Any]:
    return event.model_dump(
        mode="json",
        include={
            "provider",
            "provider_event_id",
            "provider_event_type",
            "kind",
            "verified_by",
            "amount",
            "currency",
            "refund_id",
            "refunded_total",
            "failure_reason",
        },
        exclude_none=True,
    )
