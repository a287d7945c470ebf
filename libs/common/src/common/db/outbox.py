"""Writing events to publish into the outbox, inside the caller's transaction."""

from __future__ import annotations

from sqlalchemy import Table, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from common.events.envelope import CloudEvent

__all__ = ["enqueue"]


async def enqueue(
    session: AsyncSession, outbox: Table, event: CloudEvent, routing_key: str
) -> None:
    """Add ``event`` to the outbox (once per event id) and wake the relay on commit."""
    await session.execute(
        insert(outbox)
        .values(
            event_id=event.id,
            routing_key=routing_key,
            body=event.model_dump(mode="json", exclude_none=True),
        )
        .on_conflict_do_nothing(index_elements=["event_id"])
    )
    await session.execute(select(func.pg_notify(f"{outbox.schema}_outbox", "")))
