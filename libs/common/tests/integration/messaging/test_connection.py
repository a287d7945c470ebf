import asyncio
from collections.abc import Awaitable, Callable

import aio_pika
import pytest
from aio_pika.abc import AbstractChannel
from common.events import CloudEvent
from common.messaging import EXCHANGE, AmqpConnection, AmqpPublisher, Consumer, QueueSpec

pytestmark = pytest.mark.integration


async def rabbitmqctl(*args: str) -> str:
    process = await asyncio.create_subprocess_exec(
        "rabbitmqctl", *args, "--quiet", stdout=asyncio.subprocess.PIPE
    )
    out, _ = await process.communicate()
    assert process.returncode == 0, out
    return out.decode()


async def force_close(connection_name: str) -> None:
    """Close one connection from the broker's side, as a broker restart does."""
    listing = await rabbitmqctl(
        "list_connections", "pid", "client_properties", "--no-table-headers"
    )
    [pid] = [
        line.split("\t")[0]
        for line in listing.splitlines()
        if f'{{"connection_name","{connection_name}"}}' in line
    ]
    await rabbitmqctl("close_connection", pid, "test: simulated broker restart")


async def test_a_consumer_resumes_after_its_connection_is_force_closed(
    amqp_url: str,
    unique_name: Callable[[str], str],
    test_queue: Callable[..., Awaitable[QueueSpec]],
    channel: AbstractChannel,
    make_event: Callable[..., CloudEvent],
) -> None:
    """The robust connection reconnects and the consumer receives messages again."""
    name = unique_name("test-reconnect")
    connection = AmqpConnection(f"{amqp_url}?name={name}")
    spec = await test_queue()
    received: asyncio.Queue[str] = asyncio.Queue()

    async def handle(event: CloudEvent) -> None:
        await received.put(event.id)

    consumer = Consumer(connection, spec, handle)
    exchange = await channel.get_exchange(EXCHANGE)
    before, after = make_event(), make_event()
    try:
        await consumer.start()
        await exchange.publish(aio_pika.Message(before.to_bytes()), spec.bindings[0])
        async with asyncio.timeout(10):
            assert await received.get() == before.id

        await force_close(name)
        await exchange.publish(aio_pika.Message(after.to_bytes()), spec.bindings[0])
        async with asyncio.timeout(20):
            assert await received.get() == after.id
    finally:
        await consumer.stop(grace_seconds=1.0)
        await connection.close()


async def test_a_publisher_publishes_again_after_its_connection_is_force_closed(
    amqp_url: str,
    unique_name: Callable[[str], str],
    test_queue: Callable[..., Awaitable[QueueSpec]],
    make_event: Callable[..., CloudEvent],
    next_message: Callable[..., Awaitable[aio_pika.abc.AbstractIncomingMessage]],
) -> None:
    """While reconnecting a publish may fail (and says so); once reconnected it succeeds."""
    name = unique_name("test-reconnect")
    connection = AmqpConnection(f"{amqp_url}?name={name}")
    publisher = AmqpPublisher(connection, timeout=2.0)
    spec = await test_queue()
    event = make_event()
    try:
        await publisher.publish(make_event(), spec.bindings[0])
        await force_close(name)
        async with asyncio.timeout(20):
            while True:
                try:
                    await publisher.publish(event, spec.bindings[0])
                    break
                except Exception:
                    await asyncio.sleep(0.2)
        bodies = [(await next_message(spec.name)).body for _ in range(2)]
        assert CloudEvent.from_bytes(bodies[-1]) == event
    finally:
        await publisher.close()
        await connection.close()


async def test_is_ready_reflects_the_broker(amqp_url: str) -> None:
    """``is_ready`` is True with a broker and False without one."""
    up = AmqpConnection(amqp_url)
    down = AmqpConnection("amqp://guest:guest@127.0.0.1:1/", connect_timeout=1.0)
    try:
        assert (await up.is_ready(), await down.is_ready()) == (True, False)
    finally:
        await up.close()
        await down.close()


async def test_a_failed_first_connect_leaves_nothing_retrying() -> None:
    """A first connect that times out is abandoned, not left reconnecting in the background."""
    attempts: list[asyncio.StreamWriter] = []

    async def silent(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        attempts.append(writer)

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    connection = AmqpConnection(f"amqp://guest:guest@127.0.0.1:{port}/", connect_timeout=0.5)
    try:
        assert await connection.is_ready() is False
        await asyncio.sleep(2.5)  # more than two reconnect intervals
        assert len(attempts) == 1
    finally:
        await connection.close()
        for writer in attempts:
            writer.close()
        server.close()
        await server.wait_closed()
