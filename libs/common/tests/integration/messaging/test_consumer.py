import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import aio_pika
import pytest
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage
from common.events import CloudEvent
from common.messaging import (
    EXCHANGE,
    AmqpConnection,
    Consumer,
    PermanentFailure,
    QueueSpec,
)
from common.messaging.consumer import Handler

pytestmark = pytest.mark.integration

NextMessage = Callable[..., Awaitable[AbstractIncomingMessage]]
QueueFactory = Callable[..., Awaitable[QueueSpec]]


class Recorder:
    """A handler that records each call and fails as told."""

    def __init__(self, fail_times: dict[str, int] | None = None) -> None:
        self.calls: list[str] = []
        self.succeeded: list[str] = []
        self.fail_times = fail_times or {}
        self.changed = asyncio.Condition()

    async def __call__(self, event: CloudEvent) -> None:
        async with self.changed:
            self.calls.append(event.id)
            self.changed.notify_all()
        if self.calls.count(event.id) <= self.fail_times.get(event.id, 0):
            raise RuntimeError(f"try {self.calls.count(event.id)} of {event.id} fails")
        async with self.changed:
            self.succeeded.append(event.id)
            self.changed.notify_all()

    async def wait_for(self, predicate: Callable[[], bool], within: float = 15.0) -> None:
        async with asyncio.timeout(within), self.changed:
            await self.changed.wait_for(predicate)


@pytest.fixture
async def publish(channel: AbstractChannel) -> Callable[[bytes, str], Awaitable[None]]:
    exchange = await channel.declare_exchange(EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True)

    async def send(body: bytes, routing_key: str) -> None:
        await exchange.publish(
            aio_pika.Message(body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT), routing_key
        )

    return send


@pytest.fixture
async def consumers(amqp: AmqpConnection) -> AsyncIterator[Callable[..., Awaitable[Consumer]]]:
    started: list[Consumer] = []

    async def start(spec: QueueSpec, handler: Handler, prefetch: int = 32) -> Consumer:
        consumer = Consumer(amqp, spec, handler, prefetch=prefetch)
        await consumer.start()
        started.append(consumer)
        return consumer

    yield start
    for consumer in started:
        await consumer.stop(grace_seconds=1.0)


async def test_a_message_is_acked_after_its_handler_succeeded(
    test_queue: QueueFactory,
    consumers: Callable[..., Awaitable[Consumer]],
    publish: Callable[[bytes, str], Awaitable[None]],
    make_event: Callable[..., CloudEvent],
    ready_count: Callable[[str], Awaitable[int]],
) -> None:
    """A handled message is acked: it is not back in the queue after the consumer stops."""
    spec = await test_queue()
    handler = Recorder()
    consumer = await consumers(spec, handler)
    event = make_event()
    await publish(event.to_bytes(), spec.bindings[0])

    await handler.wait_for(lambda: handler.succeeded == [event.id])
    await consumer.stop()
    left = (await ready_count(spec.name), await ready_count(spec.dead_letter_queue))
    assert (handler.calls, left) == ([event.id], (0, 0))


async def test_the_consumer_declares_its_own_queue(
    amqp: AmqpConnection,
    channel: AbstractChannel,
    unique_name: Callable[[str], str],
    publish: Callable[[bytes, str], Awaitable[None]],
    make_event: Callable[..., CloudEvent],
) -> None:
    """A consumer whose queue does not exist yet declares it (and its DLQ) and consumes."""
    name = unique_name("test.q")
    spec = QueueSpec(name, (f"test.{name}",), delivery_limit=3)
    handler = Recorder()
    consumer = Consumer(amqp, spec, handler)
    try:
        await consumer.start()
        event = make_event()
        await publish(event.to_bytes(), spec.bindings[0])
        await handler.wait_for(lambda: handler.succeeded == [event.id])
    finally:
        await consumer.stop()
        await channel.queue_delete(spec.name)
        await channel.queue_delete(spec.dead_letter_queue)


async def test_a_failing_handler_gets_the_message_again_and_succeeds_later(
    test_queue: QueueFactory,
    consumers: Callable[..., Awaitable[Consumer]],
    publish: Callable[[bytes, str], Awaitable[None]],
    make_event: Callable[..., CloudEvent],
    ready_count: Callable[[str], Awaitable[int]],
) -> None:
    """A handler that raises gets the message redelivered, and a later try succeeds."""
    spec = await test_queue(delivery_limit=3)
    event = make_event()
    handler = Recorder(fail_times={event.id: 2})
    consumer = await consumers(spec, handler)
    await publish(event.to_bytes(), spec.bindings[0])

    await handler.wait_for(lambda: handler.succeeded == [event.id])
    await consumer.stop()
    left = (await ready_count(spec.name), await ready_count(spec.dead_letter_queue))
    assert (handler.calls, left) == ([event.id] * 3, (0, 0))


async def test_a_poison_message_ends_in_the_dlq_and_does_not_block_the_queue(
    test_queue: QueueFactory,
    consumers: Callable[..., Awaitable[Consumer]],
    publish: Callable[[bytes, str], Awaitable[None]],
    make_event: Callable[..., CloudEvent],
    next_message: NextMessage,
) -> None:
    """A message whose handler always fails is dead-lettered after the delivery limit,
    and the good message behind it is processed."""
    spec = await test_queue(delivery_limit=3)
    poison, good = make_event(), make_event()
    handler = Recorder(fail_times={poison.id: 1000})
    await consumers(spec, handler, prefetch=1)
    await publish(poison.to_bytes(), spec.bindings[0])
    await publish(good.to_bytes(), spec.bindings[0])

    dead = await next_message(spec.dead_letter_queue, within=15.0)
    await handler.wait_for(lambda: good.id in handler.succeeded)
    assert (
        CloudEvent.from_bytes(dead.body),
        dead.headers["x-first-death-reason"],
        dead.headers["x-first-death-queue"],
        handler.calls.count(poison.id),
        handler.succeeded,
    ) == (poison, "delivery_limit", spec.name, spec.delivery_limit + 1, [good.id])


async def test_a_body_that_is_not_a_cloudevent_goes_straight_to_the_dlq(
    test_queue: QueueFactory,
    consumers: Callable[..., Awaitable[Consumer]],
    publish: Callable[[bytes, str], Awaitable[None]],
    make_event: Callable[..., CloudEvent],
    next_message: NextMessage,
) -> None:
    """A malformed body is dead-lettered at once without reaching the handler."""
    spec = await test_queue(delivery_limit=3)
    handler = Recorder()
    await consumers(spec, handler)
    good = make_event()
    await publish(b'{"not": "a cloudevent"}', spec.bindings[0])
    await publish(good.to_bytes(), spec.bindings[0])

    dead = await next_message(spec.dead_letter_queue)
    await handler.wait_for(lambda: handler.succeeded == [good.id])
    assert (dead.body, dead.headers["x-first-death-reason"], handler.calls) == (
        b'{"not": "a cloudevent"}',
        "rejected",
        [good.id],
    )


async def test_a_permanent_failure_goes_straight_to_the_dlq(
    test_queue: QueueFactory,
    consumers: Callable[..., Awaitable[Consumer]],
    publish: Callable[[bytes, str], Awaitable[None]],
    make_event: Callable[..., CloudEvent],
    next_message: NextMessage,
) -> None:
    """A handler raising ``PermanentFailure`` dead-letters the message after one try."""
    spec = await test_queue(delivery_limit=3)
    event = make_event()
    calls: list[str] = []

    async def refuse(received: CloudEvent) -> None:
        calls.append(received.id)
        raise PermanentFailure("unknown merchant")

    started = await consumers(spec, refuse)
    await publish(event.to_bytes(), spec.bindings[0])

    dead = await next_message(spec.dead_letter_queue)
    await started.stop()
    assert (CloudEvent.from_bytes(dead.body), dead.headers["x-first-death-reason"], calls) == (
        event,
        "rejected",
        [event.id],
    )


async def test_stop_waits_for_the_handler_in_flight(
    test_queue: QueueFactory,
    consumers: Callable[..., Awaitable[Consumer]],
    publish: Callable[[bytes, str], Awaitable[None]],
    make_event: Callable[..., CloudEvent],
    ready_count: Callable[[str], Awaitable[int]],
) -> None:
    """``stop()`` returns only after the running handler finished, and its message is acked."""
    spec = await test_queue()
    entered, release = asyncio.Event(), asyncio.Event()
    finished: list[str] = []

    async def slow(event: CloudEvent) -> None:
        entered.set()
        await release.wait()
        finished.append(event.id)

    consumer = await consumers(spec, slow)
    event = make_event()
    await publish(event.to_bytes(), spec.bindings[0])
    async with asyncio.timeout(10):
        await entered.wait()

    stopping = asyncio.create_task(consumer.stop(grace_seconds=10.0))
    await asyncio.sleep(0.2)
    assert (stopping.done(), finished) == (False, [])
    release.set()
    async with asyncio.timeout(10):
        await stopping
    assert (finished, await ready_count(spec.name)) == ([event.id], 0)
