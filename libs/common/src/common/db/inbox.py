"""Consumed-event ids: the unique key decides whether an event is new, never a select."""

from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

__all__ = ["claim_event"]


async def claim_event(session: AsyncSession, inbox: Table, event_id: str) -> bool:
    """Record ``event_id`` in the inbox; False when it was already there (a duplicate).

    Call inside the transaction that applies the event's effects. A concurrent claim of
    the same id waits on the unique key until the first transaction ends, then sees it.
    """
    result = await session.execute(
        insert(inbox)
        .values(event_id=event_id)
        .on_conflict_do_nothing(index_elements=["event_id"])
        .returning(inbox.c.event_id)
    )
    return result.first() is not None
