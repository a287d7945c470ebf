"""Wiring: builds the ledger's engine, broker connection, consumer, outbox relay and status APIs.

``bootstrap`` only constructs objects; connections open on first use, so a process starts
while Postgres or RabbitMQ is down and becomes ready when they are. ``running`` starts the
consumer (retrying until the broker answers), the relay and the scheduler (status checks,
expiry), and stops them gracefully.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field

import httpx
from common.db import OutboxRelay, create_engine, session_factory
from common.events import CloudEvent
from common.logging import get_logger
from common.messaging import QUEUES, AmqpConnection, AmqpPublisher, Consumer, QueueSpec
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from ledger.adapters import StatusChecker, status_checkers
from ledger.confirmation import SharedSecretConfirmation
from ledger.fulfillments import on_fulfillment_event
from ledger.gateways import Gateway, configured_gateways
from ledger.handlers import on_provider_event
from ledger.reconciliation.scheduler import Scheduler
from ledger.reconciliation.settings import ReconcileSettings
from ledger.settings import LedgerSettings
from ledger.tables import messaging

__all__ = ["PROVIDER_EVENTS_QUEUE", "Ledger", "bootstrap", "running"]

PROVIDER_EVENTS_QUEUE = QUEUES["ledger.provider-events"]
FULFILLMENT_EVENTS_QUEUE = QUEUES["ledger.fulfillment-events"]
log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Ledger:
    """Everything one ledger process owns."""

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    amqp: AmqpConnection
    publisher: AmqpPublisher
    consumer: Consumer
    fulfillment_consumer: Consumer
    relay: OutboxRelay
    status_checkers: Mapping[str, StatusChecker] = field(default_factory=dict)
    gateways: Mapping[str, Gateway] = field(default_factory=dict)
    provider_http: httpx.AsyncClient = field(default_factory=httpx.AsyncClient)
    """The connection pool the ``gateways`` share."""
    reconcile: ReconcileSettings = field(default_factory=ReconcileSettings)

    async def database_ready(self) -> bool:
        """True when Postgres answers a query."""
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return True

    async def close(self) -> None:
        """Close the provider API clients, the broker connection and the database pool."""
        for checker in self.status_checkers.values():
            await checker.aclose()
        await self.provider_http.aclose()
        await self.publisher.close()
        await self.amqp.close()
        await self.engine.dispose()


def bootstrap(settings: LedgerSettings, queue: QueueSpec = PROVIDER_EVENTS_QUEUE) -> Ledger:
    """Build (without connecting) the ledger's dependencies from ``settings``."""
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    amqp = AmqpConnection(settings.amqp_url.get_secret_value())
    publisher = AmqpPublisher(amqp, timeout=settings.publish_timeout_seconds)
    provider_http = httpx.AsyncClient()
    checkers = status_checkers(settings, provider_http, settings.provider_policy)
    confirmation = SharedSecretConfirmation(sessions, checkers)

    async def handle(event: CloudEvent) -> None:
        await on_provider_event(event, sessions)
        await confirmation.after(event)

    return Ledger(
        engine=engine,
        sessions=sessions,
        amqp=amqp,
        publisher=publisher,
        consumer=Consumer(amqp, queue, handle),
        fulfillment_consumer=Consumer(
            amqp, FULFILLMENT_EVENTS_QUEUE, lambda event: on_fulfillment_event(event, sessions)
        ),
        relay=OutboxRelay(engine, messaging, publisher),
        status_checkers=checkers,
        gateways=configured_gateways(settings, provider_http, settings.provider_policy, sessions),
        provider_http=provider_http,
        reconcile=settings.reconcile,
    )


@contextlib.asynccontextmanager
async def running(ledger: Ledger) -> AsyncIterator[None]:
    """Run the consumer, the outbox relay and the scheduler for the duration of the block."""
    starting = [
        asyncio.create_task(_start_consumer(consumer))
        for consumer in (ledger.consumer, ledger.fulfillment_consumer)
    ]
    relaying = asyncio.create_task(ledger.relay.run())
    scheduler = Scheduler(ledger.sessions, ledger.gateways, ledger.reconcile)
    scheduling = asyncio.create_task(scheduler.run())
    try:
        yield
    finally:
        await scheduler.stop()
        await scheduling
        for task in starting:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await ledger.consumer.stop()
        await ledger.fulfillment_consumer.stop()
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
