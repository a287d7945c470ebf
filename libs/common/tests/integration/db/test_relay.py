import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from urllib.parse import urlsplit

import pytest
from aio_pika.abc import AbstractIncomingMessage
from common.db import MessagingTables, OutboxRelay, enqueue, session_factory
from common.events import CloudEvent
from common.messaging import AmqpConnection, AmqpPublisher, PublishFailed, QueueSpec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

pytestmark = pytest.mark.integration

TakeMessages = Callable[..., Awaitable[list[AbstractIncomingMessage]]]
QueueFactory = Callable[..., Awaitable[QueueSpec]]


@pytest.fixture
async def publisher(amqp: AmqpConnection) -> AsyncIterator[AmqpPublisher]:
    publisher = AmqpPublisher(amqp)
    yield publisher
    await publisher.close()


async def enqueue_all(
    engine: AsyncEngine, tables: MessagingTables, events: list[CloudEvent], routing_key: str
) -> None:
    async with session_factory(engine).begin() as session:
        for event in events:
            await enqueue(session, tables.outbox, event, routing_key)


async def unsent_ids(engine: AsyncEngine, tables: MessagingTables) -> list[str]:
    outbox = tables.outbox
    async with engine.connect() as conn:
        result = await conn.execute(
            select(outbox.c.event_id).where(outbox.c.sent_at.is_(None)).order_by(outbox.c.id)
        )
        return list(result.scalars())


async def sent_count(engine: AsyncEngine, tables: MessagingTables) -> int:
    outbox = tables.outbox
    async with engine.connect() as conn:
        count = await conn.scalar(
            select(func.count()).select_from(outbox).where(outbox.c.sent_at.is_not(None))
        )
    return int(count or 0)


async def drain(queue_name: str, count: int, take_messages: TakeMessages) -> list[CloudEvent]:
    return [CloudEvent.from_bytes(m.body) for m in await take_messages(queue_name, count)]


@contextlib.asynccontextmanager
async def running(relay: OutboxRelay) -> AsyncIterator[None]:
    task = asyncio.create_task(relay.run())
    try:
        yield
    finally:
        await relay.stop()
        async with asyncio.timeout(10):
            await task


async def wait_until(condition: Callable[[], Awaitable[bool]], within: float = 15.0) -> None:
    """Polls the database until ``condition`` holds (bounded: no timing threshold)."""
    async with asyncio.timeout(within):
        while True:
            if await condition():
                return
            await asyncio.sleep(0.05)


def by_id(events: list[CloudEvent]) -> list[CloudEvent]:
    return sorted(events, key=lambda e: e.id)


async def test_an_enqueued_event_is_published_and_marked_sent(
    engine: AsyncEngine,
    tables: MessagingTables,
    publisher: AmqpPublisher,
    test_queue: QueueFactory,
    make_event: Callable[..., CloudEvent],
    take_messages: TakeMessages,
    ready_count: Callable[[str], Awaitable[int]],
) -> None:
    """One relay pass publishes the committed row with a confirm and marks it sent."""
    spec = await test_queue()
    event = make_event()
    await enqueue_all(engine, tables, [event], spec.bindings[0])

    relay = OutboxRelay(engine, tables, publisher)
    assert await relay.relay_once() == 1
    assert (await unsent_ids(engine, tables), await relay.relay_once()) == ([], 0)
    assert await drain(spec.name, 1, take_messages) == [event]
    assert await ready_count(spec.name) == 0


async def test_only_confirmed_rows_are_marked_sent(
    engine: AsyncEngine,
    tables: MessagingTables,
    publisher: AmqpPublisher,
    test_queue: QueueFactory,
    make_event: Callable[..., CloudEvent],
    take_messages: TakeMessages,
) -> None:
    """In a batch where one publish fails, the others are sent and the failed row stays."""
    spec = await test_queue()
    good, unroutable = make_event(), make_event()
    await enqueue_all(engine, tables, [good], spec.bindings[0])
    await enqueue_all(engine, tables, [unroutable], "nobody.listens")

    relay = OutboxRelay(engine, tables, publisher)
    with pytest.raises(PublishFailed):
        await relay.relay_once()
    assert await unsent_ids(engine, tables) == [unroutable.id]
    assert await drain(spec.name, 1, take_messages) == [good]


async def test_two_relays_at_once_publish_each_row_exactly_once(
    engine: AsyncEngine,
    tables: MessagingTables,
    amqp: AmqpConnection,
    test_queue: QueueFactory,
    make_event: Callable[..., CloudEvent],
    take_messages: TakeMessages,
    ready_count: Callable[[str], Awaitable[int]],
) -> None:
    """Two relays on one outbox never send a row twice: the queue holds one message per row."""
    spec = await test_queue()
    events = [make_event() for _ in range(400)]
    await enqueue_all(engine, tables, events, spec.bindings[0])

    publishers = [AmqpPublisher(amqp), AmqpPublisher(amqp)]
    relays = [OutboxRelay(engine, tables, p, batch_size=25, poll_seconds=0.1) for p in publishers]
    try:
        async with running(relays[0]), running(relays[1]):
            await wait_until(lambda: all_sent(engine, tables, len(events)))
    finally:
        for p in publishers:
            await p.close()

    assert await ready_count(spec.name) == len(events)
    assert by_id(await drain(spec.name, len(events), take_messages)) == by_id(events)


async def test_a_sleeping_relay_wakes_on_notify(
    engine: AsyncEngine,
    tables: MessagingTables,
    publisher: AmqpPublisher,
    test_queue: QueueFactory,
    make_event: Callable[..., CloudEvent],
    take_messages: TakeMessages,
) -> None:
    """A row enqueued while the relay sleeps a long poll interval is published at once."""
    spec = await test_queue()
    first, second = make_event(), make_event()
    relay = OutboxRelay(engine, tables, publisher, poll_seconds=3600)
    async with running(relay):
        await enqueue_all(engine, tables, [first], spec.bindings[0])
        assert await drain(spec.name, 1, take_messages) == [first]
        await wait_until(lambda: all_sent(engine, tables, 1))
        # The relay has nothing left and sleeps for an hour: only the notification wakes it.
        await enqueue_all(engine, tables, [second], spec.bindings[0])
        assert await drain(spec.name, 1, take_messages) == [second]


async def test_rows_wait_while_the_broker_is_down_and_go_out_when_it_is_back(
    engine: AsyncEngine,
    tables: MessagingTables,
    test_queue: QueueFactory,
    make_event: Callable[..., CloudEvent],
    take_messages: TakeMessages,
    amqp_url: str,
) -> None:
    """A relay whose publishes fail leaves its rows unsent, and sends them once the broker works."""
    spec = await test_queue()
    events = [make_event() for _ in range(3)]
    await enqueue_all(engine, tables, events, spec.bindings[0])
    port = free_port()
    proxied = urlsplit(amqp_url)._replace(netloc=f"guest:guest@127.0.0.1:{port}").geturl()
    connection = AmqpConnection(proxied, connect_timeout=1.0)
    publisher = AmqpPublisher(connection, timeout=1.0)
    relay = OutboxRelay(engine, tables, publisher, poll_seconds=0.1, max_backoff_seconds=0.5)
    try:
        with pytest.raises(PublishFailed):
            await relay.relay_once()
        assert await unsent_ids(engine, tables) == [e.id for e in events]

        async with running(relay):
            await asyncio.sleep(1.0)  # let it fail and back off a few times
            assert await unsent_ids(engine, tables) == [e.id for e in events]
            async with tcp_proxy(port, 5672):
                await wait_until(lambda: all_sent(engine, tables, len(events)))
        assert by_id(await drain(spec.name, len(events), take_messages)) == by_id(events)
    finally:
        await publisher.close()
        await connection.close()


async def all_sent(engine: AsyncEngine, tables: MessagingTables, count: int) -> bool:
    return await sent_count(engine, tables) == count


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


@contextlib.asynccontextmanager
async def tcp_proxy(listen_port: int, target_port: int) -> AsyncIterator[None]:
    """Forwards ``127.0.0.1:listen_port`` to ``127.0.0.1:target_port`` while open."""
    pipes: set[asyncio.Task[None]] = set()
    writers: list[asyncio.StreamWriter] = []

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()

    async def serve(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        broker_r, broker_w = await asyncio.open_connection("127.0.0.1", target_port)
        writers.extend((client_w, broker_w))
        for task in (pipe(client_r, broker_w), pipe(broker_r, client_w)):
            pipes.add(asyncio.create_task(task))

    server = await asyncio.start_server(serve, "127.0.0.1", listen_port)
    try:
        yield
    finally:
        server.close()
        for writer in writers:
            writer.close()
        for task in pipes:
            task.cancel()
        await asyncio.gather(*pipes, return_exceptions=True)
        await server.wait_closed()
