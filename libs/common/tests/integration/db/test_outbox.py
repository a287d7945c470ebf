import asyncio
from collections.abc import Callable

import asyncpg
import pytest
from common.db import MessagingTables, enqueue, session_factory
from common.db.engine import asyncpg_dsn
from common.events import CloudEvent
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

pytestmark = pytest.mark.integration


async def test_enqueue_writes_one_row_per_event_id(
    engine: AsyncEngine, tables: MessagingTables, make_event: Callable[..., CloudEvent]
) -> None:
    """An event is stored once with its routing key and JSON body, however often enqueued."""
    event = make_event()
    sessions = session_factory(engine)
    for _ in range(2):
        async with sessions.begin() as session:
            await enqueue(session, tables.outbox, event, "payment.paid")
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                select(
                    tables.outbox.c.event_id,
                    tables.outbox.c.routing_key,
                    tables.outbox.c.body,
                    tables.outbox.c.sent_at,
                )
            )
        ).all()
    assert [tuple(r) for r in rows] == [
        (event.id, "payment.paid", event.model_dump(mode="json", exclude_none=True), None)
    ]
    assert CloudEvent.model_validate(rows[0].body) == event


async def test_a_committed_enqueue_notifies_the_relay_channel(
    engine: AsyncEngine,
    tables: MessagingTables,
    database_url: str,
    make_event: Callable[..., CloudEvent],
) -> None:
    """Committing an enqueue sends a notification on ``<schema>_outbox``; a rollback does not."""
    listener = await asyncpg.connect(asyncpg_dsn(database_url))
    notified: asyncio.Queue[str] = asyncio.Queue()
    await listener.add_listener(tables.notify_channel, lambda *args: notified.put_nowait(args[2]))
    sessions = session_factory(engine)
    try:
        async with sessions() as session:
            await enqueue(session, tables.outbox, make_event(), "payment.paid")
            await session.rollback()
        async with sessions.begin() as session:
            await enqueue(session, tables.outbox, make_event(), "payment.paid")
        async with asyncio.timeout(10):
            channel = await notified.get()
        assert (channel, notified.qsize()) == (tables.notify_channel, 0)
    finally:
        await listener.close()
