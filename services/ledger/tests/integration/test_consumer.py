"""The handler behind a real RabbitMQ consumer: redelivery after a crash, poison messages.

Each test declares its own quorum queue (bound to a routing key only it uses, with a
small delivery limit) and deletes it, with its dead-letter queue, afterwards.
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from common.events import CloudEvent
from common.messaging import AmqpConnection, AmqpPublisher, Consumer, QueueSpec
from ledger.handlers import on_provider_event
from ledger.tables import journal_entries, sessions
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .conftest import SessionMaker

pytestmark = pytest.mark.integration

Db = async_sessionmaker[AsyncSession]


async def publish(amqp: AmqpConnection, spec: QueueSpec, *events: CloudEvent) -> None:
    publisher = AmqpPublisher(amqp)
    for event in events:
        await publisher.publish(event, spec.bindings[0].replace("#", "provider"))
    await publisher.close()


async def eventually(check: Callable[[], Awaitable[bool]], seconds: float = 15.0) -> None:
    async with asyncio.timeout(seconds):
        while not await check():  # noqa: ASYNC110 - polling the broker, nothing to wait on
            await asyncio.sleep(0.05)


async def effects(db: Db, session_id: str) -> tuple[str | None, int]:
    async with db() as conn:
        status = await conn.scalar(select(sessions.c.status).where(sessions.c.id == session_id))
        entries = await conn.scalar(
            select(func.count()).where(journal_entries.c.session_id == session_id)
        )
    return status, int(entries or 0)


async def test_a_crash_before_ack_redelivers_and_the_inbox_absorbs_it(
    amqp: AmqpConnection,
    queue: QueueSpec,
    db: Db,
    new_session: SessionMaker,
    make_event: Callable[..., CloudEvent],
) -> None:
    """A delivery committed but never acked comes back once and changes nothing more."""
    session = await new_session()
    event = make_event(session["id"], "payment_succeeded", "evt_crash", amount=1000, currency="USD")
    await publish(amqp, queue, event)

    crashing = await (await amqp.get()).channel()
    delivery = await (await crashing.get_queue(queue.name)).get(timeout=5)
    await on_provider_event(CloudEvent.from_bytes(delivery.body), db)
    await crashing.close()

    redelivered: list[str] = []
    handled = asyncio.Event()

    async def handle(incoming: CloudEvent) -> None:
        await on_provider_event(incoming, db)
        redelivered.append(incoming.id)
        handled.set()

    consumer = Consumer(amqp, queue, handle)
    await consumer.start()
    try:
        await asyncio.wait_for(handled.wait(), 15)
        await eventually(lambda: _queue_empty(amqp, queue.name))
    finally:
        await consumer.stop()
    assert (redelivered, await effects(db, session["id"])) == ([event.id], ("paid", 1))


async def test_a_poison_message_is_dead_lettered_and_the_next_one_is_processed(
    amqp: AmqpConnection,
    queue: QueueSpec,
    db: Db,
    new_session: SessionMaker,
    make_event: Callable[..., CloudEvent],
) -> None:
    """A message whose handler always fails ends in the DLQ; the queue keeps flowing."""
    session = await new_session()
    poison = make_event(session["id"], "payment_failed", "evt_poison")
    good = make_event(session["id"], "payment_succeeded", "evt_good", amount=1000, currency="USD")
    attempts: list[str] = []

    async def handle(incoming: CloudEvent) -> None:
        attempts.append(incoming.id)
        if incoming.id == poison.id:
            raise RuntimeError("this message can never be handled")
        await on_provider_event(incoming, db)

    consumer = Consumer(amqp, queue, handle)
    await consumer.start()
    try:
        await publish(amqp, queue, poison, good)
        await eventually(lambda: _message_count(amqp, queue.dead_letter_queue, 1))
        await eventually(lambda: _queue_empty(amqp, queue.name))
    finally:
        await consumer.stop()
    channel = await (await amqp.get()).channel()
    dead = await (await channel.get_queue(queue.dead_letter_queue)).get(timeout=5)
    await dead.ack()
    await channel.close()
    assert (
        CloudEvent.from_bytes(dead.body).id,
        attempts.count(poison.id),
        await effects(db, session["id"]),
    ) == (poison.id, queue.delivery_limit + 1, ("paid", 1))


async def _message_count(amqp: AmqpConnection, name: str, expected: int) -> bool:
    channel = await (await amqp.get()).channel()
    try:
        declared: Any = await channel.declare_queue(name, passive=True)
        return bool(declared.declaration_result.message_count == expected)
    finally:
        await channel.close()


async def _queue_empty(amqp: AmqpConnection, name: str) -> bool:
    return await _message_count(amqp, name, 0)
