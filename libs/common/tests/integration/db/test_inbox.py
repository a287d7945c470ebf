import asyncio

import pytest
from common.db import MessagingTables, claim_event, session_factory
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

pytestmark = pytest.mark.integration


async def test_an_event_is_claimed_once(engine: AsyncEngine, tables: MessagingTables) -> None:
    """The first claim of an event id is True; every later one is False."""
    sessions = session_factory(engine)
    results = []
    for _ in range(3):
        async with sessions.begin() as session:
            results.append(await claim_event(session, tables.inbox, "evt_1"))
    assert results == [True, False, False]


async def test_a_rolled_back_claim_is_not_kept(
    engine: AsyncEngine, tables: MessagingTables
) -> None:
    """A claim whose transaction rolls back leaves the event unclaimed, so a retry applies it."""
    sessions = session_factory(engine)
    async with sessions() as session:
        assert await claim_event(session, tables.inbox, "evt_2") is True
        await session.rollback()
    async with sessions.begin() as session:
        assert await claim_event(session, tables.inbox, "evt_2") is True


async def test_concurrent_claims_of_one_event_let_exactly_one_win(
    engine: AsyncEngine, tables: MessagingTables
) -> None:
    """Twenty transactions claiming the same id at once: exactly one gets True."""
    sessions = session_factory(engine)
    start = asyncio.Event()

    async def claim() -> bool:
        async with sessions.begin() as session:
            await start.wait()
            claimed = await claim_event(session, tables.inbox, "evt_race")
            await asyncio.sleep(0.01)  # hold the transaction open while the others wait
            return claimed

    tasks = [asyncio.create_task(claim()) for _ in range(20)]
    await asyncio.sleep(0.05)
    start.set()
    results = await asyncio.gather(*tasks)
    assert sorted(results) == [False] * 19 + [True]
    async with engine.connect() as conn:
        rows = (await conn.execute(select(tables.inbox.c.event_id))).scalars().all()
    assert rows == ["evt_race"]
