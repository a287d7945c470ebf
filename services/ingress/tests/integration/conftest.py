"""Integration fixtures: the real app on the real RabbitMQ, and the ledger's queue."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import aio_pika
import httpx
import pytest
from aio_pika.abc import AbstractQueue
from asgi_lifespan import LifespanManager
from common.messaging import declare_topology
from common.settings import Settings
from ingress.app import create_app

LEDGER_QUEUE = "ledger.provider-events"

AppClient = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
async def ledger_queue(make_settings: Callable[..., Settings]) -> AsyncIterator[AbstractQueue]:
    """``ledger.provider-events``, purged before and after the test."""
    url = make_settings().amqp_url.get_secret_value()
    connection = await aio_pika.connect(url)
    channel = await connection.channel()
    await declare_topology(channel)
    queue = await channel.get_queue(LEDGER_QUEUE)
    await queue.purge()
    yield queue
    await queue.purge()
    await connection.close()


@pytest.fixture(scope="session")
def app_client(make_settings: Callable[..., Settings]) -> AppClient:
    """Runs the app with its own AMQP publisher through its lifespan; yields a client."""

    @asynccontextmanager
    async def open_client(**overrides: object) -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(make_settings(**overrides))
        async with (
            LifespanManager(app) as manager,
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=manager.app), base_url="http://ingress.test"
            ) as client,
        ):
            yield client

    return open_client
