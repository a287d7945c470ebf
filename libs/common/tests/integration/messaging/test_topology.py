import asyncio
import json
import os
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

import aio_pika
import pytest
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractRobustConnection
from common.messaging import DLX, EXCHANGE, QueueSpec, declare_topology

pytestmark = pytest.mark.integration

TEST_VHOST = urlsplit(os.environ["PAYWIRE_TEST_AMQP_URL"]).path.lstrip("/") or "/"


async def broker_queue(name: str) -> dict[str, object]:
    """The broker's own view of one queue (rabbitmqctl: no management plugin here)."""
    process = await asyncio.create_subprocess_exec(
        "rabbitmqctl",
        "list_queues",
        "-p",
        TEST_VHOST,
        "name",
        "type",
        "durable",
        "arguments",
        "--formatter",
        "json",
        "--quiet",
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await process.communicate()
    [queue] = [q for q in json.loads(out) if q["name"] == name]
    queue["arguments"] = {key: value for key, _type, value in queue["arguments"]}
    return dict(queue)


async def test_declaring_twice_is_harmless_and_sets_quorum_limit_and_dlx(
    raw_connection: AbstractRobustConnection, unique_name: Callable[[str], str]
) -> None:
    """Declaring the topology twice succeeds, with quorum, delivery-limit and DLX arguments."""
    spec = QueueSpec(unique_name("test.topology"), ("test.topology.#",), delivery_limit=3)
    channel = await raw_connection.channel()
    try:
        first = await declare_topology(channel, (spec,))
        second = await declare_topology(channel, (spec,))
        assert (first.name, second.name) == (EXCHANGE, EXCHANGE)
        assert await broker_queue(spec.name) == {
            "name": spec.name,
            "type": "quorum",
            "durable": True,
            "arguments": {
                "x-queue-type": "quorum",
                "x-delivery-limit": 3,
                "x-dead-letter-exchange": DLX,
                "x-dead-letter-routing-key": spec.name,
            },
        }
        assert await broker_queue(spec.dead_letter_queue) == {
            "name": spec.dead_letter_queue,
            "type": "quorum",
            "durable": True,
            "arguments": {"x-queue-type": "quorum"},
        }
    finally:
        await channel.queue_delete(spec.name)
        await channel.queue_delete(spec.dead_letter_queue)
        await channel.close()


async def test_a_bound_key_reaches_the_queue_and_a_dead_letter_reaches_the_dlq(
    channel: AbstractChannel,
    test_queue: Callable[..., Awaitable[QueueSpec]],
    next_message: Callable[[str], Awaitable[AbstractIncomingMessage]],
) -> None:
    """The queue's routing key delivers into it; the DLX routes by queue name into the DLQ."""
    spec = await test_queue()
    exchange = await channel.get_exchange(EXCHANGE)
    dlx = await channel.get_exchange(DLX)
    await exchange.publish(aio_pika.Message(b"to-queue"), routing_key=spec.bindings[0])
    await dlx.publish(aio_pika.Message(b"to-dlq"), routing_key=spec.name)

    bodies = [(await next_message(q)).body for q in (spec.name, spec.dead_letter_queue)]
    assert bodies == [b"to-queue", b"to-dlq"]
