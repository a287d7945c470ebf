"""Shared fixtures: a throwaway database, AMQP connections and unique names.

Integration tests use the real Postgres and RabbitMQ on 127.0.0.1. Every test gets its
own schema and its own queues, so tests do not see each other's rows or messages.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aio_pika
import asyncpg
import pytest
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractRobustConnection
from common.db import MessagingTables, create_engine, messaging_tables
from common.events import CloudEvent
from common.messaging import AmqpConnection, QueueSpec, declare_topology
from sqlalchemy import MetaData, text
from sqlalchemy.ext.asyncio import AsyncEngine

POSTGRES_ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
TEST_DATABASE = f"{os.environ['PAYWIRE_TEST_DB_PREFIX']}_common"
DATABASE_URL = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{TEST_DATABASE}"
AMQP_URL = os.environ["PAYWIRE_TEST_AMQP_URL"]


@pytest.fixture
def unique_name() -> Callable[[str], str]:
    """Names no other test (or other run) uses: ``<prefix>-<12 hex>``."""

    def make(prefix: str) -> str:
        return f"{prefix}-{uuid.uuid4().hex[:12]}"

    return make


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    """A freshly created database, dropped after the session."""
    admin = await asyncpg.connect(POSTGRES_ADMIN_DSN)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{TEST_DATABASE}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{TEST_DATABASE}"')
        yield DATABASE_URL
        await admin.execute(f'DROP DATABASE IF EXISTS "{TEST_DATABASE}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the test database, disposed after the test."""
    engine = create_engine(database_url, pool_size=25, max_overflow=5)
    yield engine
    await engine.dispose()


@pytest.fixture
async def tables(
    engine: AsyncEngine, unique_name: Callable[[str], str]
) -> AsyncIterator[MessagingTables]:
    """``outbox`` and ``inbox`` in a schema of the test's own, dropped afterwards."""
    schema = unique_name("svc").replace("-", "_")
    metadata = MetaData(schema=schema)
    messaging = messaging_tables(metadata)
    async with engine.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        await conn.run_sync(metadata.create_all)
    yield messaging
    async with engine.begin() as conn:
        await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture
def amqp_url() -> str:
    """The local broker."""
    return AMQP_URL


@pytest.fixture
async def amqp(amqp_url: str) -> AsyncIterator[AmqpConnection]:
    """paywire's connection owner, closed after the test."""
    connection = AmqpConnection(amqp_url)
    yield connection
    await connection.close()


@pytest.fixture
async def raw_connection(amqp_url: str) -> AsyncIterator[AbstractRobustConnection]:
    """A separate connection for the test's own looking and publishing."""
    connection = await aio_pika.connect_robust(amqp_url)
    yield connection
    await connection.close()


@pytest.fixture
async def channel(raw_connection: AbstractRobustConnection) -> AsyncIterator[AbstractChannel]:
    """A plain channel on the test's own connection."""
    channel = await raw_connection.channel()
    yield channel
    if not channel.is_closed:
        await channel.close()


QueueFactory = Callable[..., Awaitable[QueueSpec]]


@pytest.fixture
async def test_queue(
    raw_connection: AbstractRobustConnection, unique_name: Callable[[str], str]
) -> AsyncIterator[QueueFactory]:
    """Declares test-only quorum queues (each with its DLQ) and deletes them afterwards.

    Each queue binds one routing key of its own, ``test.<queue name>``.
    """
    specs: list[QueueSpec] = []

    async def make(delivery_limit: int = 3) -> QueueSpec:
        name = unique_name("test.q")
        spec = QueueSpec(name, (f"test.{name}",), delivery_limit=delivery_limit)
        declaring = await raw_connection.channel()
        await declare_topology(declaring, (spec,))
        await declaring.close()
        specs.append(spec)
        return spec

    yield make
    cleanup = await raw_connection.channel()
    for spec in specs:
        await cleanup.queue_delete(spec.name)
        await cleanup.queue_delete(spec.dead_letter_queue)
    await cleanup.close()


@pytest.fixture
def make_event(unique_name: Callable[[str], str]) -> Callable[..., CloudEvent]:
    """Builds a CloudEvent with a unique id; keyword arguments override fields."""

    def make(**overrides: Any) -> CloudEvent:
        fields: dict[str, Any] = {
            "id": unique_name("evt"),
            "source": "paywire/tests",
            "type": "paywire.test.happened",
            "correlationid": unique_name("req"),
            "data": {"amount": 49900, "currency": "INR"},
        }
        fields.update(overrides)
        return CloudEvent.model_validate(fields)

    return make


@pytest.fixture
def take_messages(
    raw_connection: AbstractRobustConnection,
) -> Callable[..., Awaitable[list[AbstractIncomingMessage]]]:
    """Takes (and acks) the next ``count`` messages of a queue, waiting up to ``within`` seconds."""

    async def take(
        queue_name: str, count: int, within: float = 10.0
    ) -> list[AbstractIncomingMessage]:
        channel = await raw_connection.channel()
        taken: list[AbstractIncomingMessage] = []
        try:
            queue = await channel.get_queue(queue_name)
            async with asyncio.timeout(within):
                while len(taken) < count:
                    message = await queue.get(no_ack=True, fail=False)
                    if message is None:
                        await asyncio.sleep(0.05)
                    else:
                        taken.append(message)
            return taken
        finally:
            await channel.close()

    return take


@pytest.fixture
def next_message(
    take_messages: Callable[..., Awaitable[list[AbstractIncomingMessage]]],
) -> Callable[..., Awaitable[AbstractIncomingMessage]]:
    """Takes (and acks) the next message of a queue, waiting up to ``within`` seconds."""

    async def take(queue_name: str, within: float = 10.0) -> AbstractIncomingMessage:
        [message] = await take_messages(queue_name, 1, within)
        return message

    return take


@pytest.fixture
def ready_count(
    raw_connection: AbstractRobustConnection,
) -> Callable[[str], Awaitable[int]]:
    """How many messages wait, ready, in a queue."""

    async def count(queue_name: str) -> int:
        channel = await raw_connection.channel()
        try:
            queue = await channel.declare_queue(queue_name, passive=True)
            return queue.declaration_result.message_count or 0
        finally:
            await channel.close()

    return count
