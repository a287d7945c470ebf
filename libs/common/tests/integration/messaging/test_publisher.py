import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable

import aio_pika
import pytest
from aio_pika.abc import AbstractIncomingMessage
from common.events import CloudEvent
from common.messaging import AmqpConnection, AmqpPublisher, PublishFailed, QueueSpec

pytestmark = pytest.mark.integration

NextMessage = Callable[..., Awaitable[AbstractIncomingMessage]]


@pytest.fixture
async def publisher(amqp: AmqpConnection) -> AsyncIterator[AmqpPublisher]:
    publisher = AmqpPublisher(amqp, timeout=5.0)
    yield publisher
    await publisher.close()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


async def test_a_publish_returns_after_the_confirm_with_the_message_queued_and_persistent(
    publisher: AmqpPublisher,
    test_queue: Callable[..., Awaitable[QueueSpec]],
    make_event: Callable[..., CloudEvent],
    next_message: NextMessage,
    ready_count: Callable[[str], Awaitable[int]],
) -> None:
    """A confirmed publish is in the bound queue as a persistent CloudEvents message."""
    spec = await test_queue()
    event = make_event()
    await publisher.publish(event, spec.bindings[0])

    assert await ready_count(spec.name) == 1
    message = await next_message(spec.name)
    assert (
        CloudEvent.from_bytes(message.body),
        message.delivery_mode,
        message.content_type,
        message.message_id,
        message.type,
        message.correlation_id,
    ) == (
        event,
        aio_pika.DeliveryMode.PERSISTENT,
        "application/cloudevents+json",
        event.id,
        event.type,
        event.correlationid,
    )


async def test_an_unroutable_message_raises_publish_failed(
    publisher: AmqpPublisher,
    test_queue: Callable[..., Awaitable[QueueSpec]],
    make_event: Callable[..., CloudEvent],
    next_message: NextMessage,
) -> None:
    """A returned message counts as a failure, and the publisher keeps working after it."""
    spec = await test_queue()
    with pytest.raises(PublishFailed):
        await publisher.publish(make_event(), "nobody.listens")

    event = make_event()
    await publisher.publish(event, spec.bindings[0])
    assert CloudEvent.from_bytes((await next_message(spec.name)).body) == event


async def test_concurrent_publishes_are_all_confirmed(
    publisher: AmqpPublisher,
    test_queue: Callable[..., Awaitable[QueueSpec]],
    make_event: Callable[..., CloudEvent],
    take_messages: Callable[..., Awaitable[list[AbstractIncomingMessage]]],
) -> None:
    """Many publishes at once share the confirming channel and all arrive."""
    spec = await test_queue()
    events = [make_event() for _ in range(50)]
    await asyncio.gather(*(publisher.publish(e, spec.bindings[0]) for e in events))

    received = [CloudEvent.from_bytes(m.body) for m in await take_messages(spec.name, 50)]
    assert sorted(received, key=lambda e: e.id) == sorted(events, key=lambda e: e.id)


async def test_a_closed_publisher_opens_a_new_channel(
    publisher: AmqpPublisher,
    test_queue: Callable[..., Awaitable[QueueSpec]],
    make_event: Callable[..., CloudEvent],
    next_message: NextMessage,
) -> None:
    """After ``close()`` the next publish opens a channel again."""
    spec = await test_queue()
    await publisher.publish(make_event(), spec.bindings[0])
    await publisher.close()
    event = make_event()
    await publisher.publish(event, spec.bindings[0])

    bodies = [(await next_message(spec.name)).body for _ in range(2)]
    assert CloudEvent.from_bytes(bodies[1]) == event


async def test_an_unreachable_broker_raises_publish_failed_within_the_timeout(
    make_event: Callable[..., CloudEvent],
) -> None:
    """A broker that does not answer makes a publish fail, not hang."""
    connection = AmqpConnection(f"amqp://guest:guest@127.0.0.1:{closed_port()}/", 1.0)
    publisher = AmqpPublisher(connection, timeout=1.0)
    try:
        async with asyncio.timeout(10):
            with pytest.raises(PublishFailed):
                await publisher.publish(make_event(), "provider.stripe.payment_succeeded")
    finally:
        await publisher.close()
        await connection.close()


async def test_a_broker_that_never_answers_raises_publish_failed_within_the_timeout(
    make_event: Callable[..., CloudEvent],
) -> None:
    """A server that accepts the connection but never speaks AMQP fails the publish in time."""
    accepted: list[asyncio.StreamWriter] = []

    async def silent(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    connection = AmqpConnection(f"amqp://guest:guest@127.0.0.1:{port}/", 1.0)
    publisher = AmqpPublisher(connection, timeout=1.0)
    try:
        async with asyncio.timeout(10):
            with pytest.raises(PublishFailed):
                await publisher.publish(make_event(), "provider.stripe.payment_succeeded")
        assert len(accepted) >= 1
    finally:
        await publisher.close()
        await connection.close()
        for writer in accepted:
            writer.close()
        server.close()
        await server.wait_closed()
