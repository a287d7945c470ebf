"""Recording what fulfillment did for a session, from its ``fulfillment.*`` events.

The ledger never reads fulfillment's tables; it keeps the facts a merchant needs on
``GET /v1/sessions/{id}`` (invoice number, key id, when access was issued or revoked)
from the events fulfillment publishes. The access URL, which carries the customer's
token, is deliberately not kept.
"""

from __future__ import annotations

from common.db import claim_event
from common.events import CloudEvent, FulfillmentIssued, FulfillmentRevoked
from common.logging import get_logger
from common.messaging import PermanentFailure
from pydantic import ValidationError
from sqlalchemy import exists, literal, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ledger.tables import fulfillments, messaging, sessions

__all__ = ["on_fulfillment_event"]

log = get_logger(__name__)


async def on_fulfillment_event(event: CloudEvent, db: async_sessionmaker[AsyncSession]) -> None:
    """Apply one ``fulfillment.issued`` or ``fulfillment.revoked`` event, once."""
    kind = event.type.removeprefix("paywire.")
    try:
        if kind == "fulfillment.issued":
            issued = FulfillmentIssued.model_validate(event.data)
        elif kind == "fulfillment.revoked":
            revoked = FulfillmentRevoked.model_validate(event.data)
        else:
            log.info("fulfillment_event_ignored", event_type=event.type)
            return
    except ValidationError as exc:
        raise PermanentFailure(f"not a {kind} event: {exc.error_count()} errors") from exc
    async with db.begin() as session:
        if not await claim_event(session, messaging.inbox, event.id):
            return
        if kind == "fulfillment.issued":
            await _record_issued(session, issued)
        else:
            await _record_revoked(session, revoked)


async def _record_issued(session: AsyncSession, issued: FulfillmentIssued) -> None:
    values = select(
        literal(issued.session_id),
        literal(issued.invoice_id),
        literal(issued.invoice_number),
        literal(issued.api_key_id),
        literal(issued.token_expires_at),
        literal(issued.occurred_at),
    ).where(exists().where(sessions.c.id == issued.session_id))
    await session.execute(
        insert(fulfillments)
        .from_select(
            [
                "session_id",
                "invoice_id",
                "invoice_number",
                "api_key_id",
                "access_expires_at",
                "issued_at",
            ],
            values,
        )
        .on_conflict_do_nothing(index_elements=["session_id"])
    )


async def _record_revoked(session: AsyncSession, revoked: FulfillmentRevoked) -> None:
    await session.execute(
        update(fulfillments)
        .where(fulfillments.c.session_id == revoked.session_id)
        .where(fulfillments.c.revoked_at.is_(None))
        .values(revoked_at=revoked.occurred_at, revoked_reason=revoked.reason)
    )
