"""Wiring: builds the ledger's engine, broker connection, consumer and outbox relay.

``bootstrap`` only constructs objects; connections open on first use, so a process starts
while Postgres or RabbitMQ is down and becomes ready when they are. ``running`` starts the
consumer (retrying until the broker answers) and the relay, and stops both gracefully.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from common.db import OutboxRelay, create_engine, session_factory
from common.events import CloudEvent
from common.logging import get_logger
from common.messaging import QUEUES, AmqpConnection, AmqpPublisher, Consumer, QueueSpec
from common.settings import Settings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from ledger.handlers import on_provider_event
from ledger.tables import messaging

__all__ = ["PROVIDER_EVENTS_QUEUE", "Ledger", "bootstrap", "running"]

PROVIDER_EVENTS_QUEUE = QUEUES["ledger.provider-events"]
log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Ledger:
    """Everything one ledger process owns."""

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    amqp: AmqpConnection
    publisher: AmqpPublisher
    consumer: Consumer
    relay: OutboxRelay

    async def database_ready(self) -> bool:
        """True when Postgres answers a query."""
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return True

    async def close(self) -> None:
        """Close the broker connection and the database pool."""
        await self.publisher.close()
        await self.amqp.close()
        await self.engine.dispose()


def bootstrap(settings: Settings, queue: QueueSpec = PROVIDER_EVENTS_QUEUE) -> Ledger:
    """Build (without connecting) the ledger's dependencies from ``settings``."""
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    amqp = AmqpConnection(settings.amqp_url.get_secret_value())
    publisher = AmqpPublisher(amqp, timeout=settings.publish_timeout_seconds)

    async def handle(event: CloudEvent) -> None:
        await on_provider_event(event, sessions)

    return Ledger(
        engine=engine,
        sessions=sessions,
        amqp=amqp,
        publisher=publisher,
        consumer=Consumer(amqp, queue, handle),
        relay=OutboxRelay(engine, messaging, publisher),
    )


@contextlib.asynccontextmanager
async def running(ledger: Ledger) -> AsyncIterator[None]:
    """Run the consumer and the outbox relay for the duration of the block."""
    starting = asyncio.create_task(_start_consumer(ledger.consumer))
    relaying = asyncio.create_task(ledger.relay.run())
    try:
        yield
    finally:
        starting.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await starting
        await ledger.consumer.stop()
        await ledger.relay.stop()
        await relaying


async def _start_consumer(consumer: Consumer, max_backoff: float = 30.0) -> None:
    backoff = 0.5
    while True:
        try:
            await consumer.start()
            return
        except Exception as exc:
            log.warning("consumer_start_failed", error=str(exc)[:300], retry_in=backoff)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, max_backoff)
