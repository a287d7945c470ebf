"""Wiring: the process's resources, the payment-event dispatcher, and the background workers.

Building ``Services`` opens nothing: the engine, the broker connection and the ledger
client connect on first use, so a process starts while a dependency is still down.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

import httpx
from common.db import OutboxRelay, create_engine, session_factory
from common.events import CloudEvent, PaymentEvent, PaymentStatus
from common.logging import get_logger
from common.messaging import QUEUES, AmqpConnection, AmqpPublisher, Consumer, PermanentFailure
from common.messaging.consumer import Handler
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from fulfillment.handlers import on_payment_paid, on_payment_reversed
from fulfillment.merchants import LedgerMerchants
from fulfillment.settings import FulfillmentSettings
from fulfillment.tables import messaging
from fulfillment.tokens import SigningKeyRing

__all__ = ["Services", "Workers", "build_services", "payment_event_handler"]

PAYMENT_EVENTS = QUEUES["fulfillment.payment-events"]
log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Services:
    """Everything the handlers and the HTTP API share within one process."""

    settings: FulfillmentSettings
    engine: AsyncEngine
    uow: async_sessionmaker[AsyncSession]
    keyring: SigningKeyRing
    merchants: LedgerMerchants
    amqp: AmqpConnection

    @property
    def issuer(self) -> str:
        """The tokens' ``iss``: the public base URL without a trailing slash."""
        return self.settings.public_base_url.rstrip("/")

    async def database_ready(self) -> bool:
        """True when Postgres answers."""
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return True

    async def signing_key_ready(self) -> bool:
        """True when the current signing key exists (or was just made) and decrypts."""
        await self.keyring.current()
        return True

    async def close(self) -> None:
        """Release the broker connection, the ledger client and the database pool."""
        await self.amqp.close()
        await self.merchants.close()
        await self.engine.dispose()


def build_services(
    settings: FulfillmentSettings, ledger_client: httpx.AsyncClient | None = None
) -> Services:
    """Create the resources; ``ledger_client`` replaces the HTTP client to the ledger."""
    engine = create_engine(settings.database_url)
    client = ledger_client or httpx.AsyncClient(base_url=settings.ledger_url, timeout=5.0)
    return Services(
        settings=settings,
        engine=engine,
        uow=session_factory(engine),
        keyring=SigningKeyRing(engine, settings.signing_key_passphrase),
        merchants=LedgerMerchants(client),
        amqp=AmqpConnection(settings.amqp_url.get_secret_value()),
    )


def payment_event_handler(services: Services) -> Handler:
    """The consumer's handler: parse the payment event and dispatch on its status."""

    async def handle(event: CloudEvent) -> None:
        try:
            payment = PaymentEvent.model_validate(event.data)
        except ValidationError as exc:
            raise PermanentFailure(f"not a payment event: {exc.error_count()} errors") from exc
        match payment.status:
            case PaymentStatus.PAID:
                await on_payment_paid(
                    event, payment, services.uow, services.keyring, services.issuer
                )
            case PaymentStatus.REFUNDED | PaymentStatus.CHARGED_BACK:
                await on_payment_reversed(event, payment, services.uow)
            case _:
                log.info("payment_event_ignored", status=payment.status.value)

    return handle


class Workers:
    """The payment-event consumer and the outbox relay, run beside the HTTP server."""

    def __init__(self, services: Services) -> None:
        self._publisher = AmqpPublisher(
            services.amqp, timeout=services.settings.publish_timeout_seconds
        )
        self._consumer = Consumer(services.amqp, PAYMENT_EVENTS, payment_event_handler(services))
        self._relay = OutboxRelay(services.engine, messaging, self._publisher)
        self._keyring = services.keyring
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        """Start both in the background; the consumer waits for the database and the broker.

        The consumer starts only once the current signing key opens: a wrong passphrase
        or a database that is down leaves payment events waiting in the queue rather
        than failing them into the dead-letter queue.
        """
        self._tasks = [
            asyncio.create_task(self._start_consumer(), name="fulfillment-consumer-start"),
            asyncio.create_task(self._relay.run(), name="fulfillment-outbox-relay"),
        ]

    async def stop(self, grace_seconds: float = 10.0) -> None:
        """Stop taking deliveries, let in-flight ones finish, stop the relay."""
        starting, relaying = self._tasks
        starting.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await starting
        await self._consumer.stop(grace_seconds)
        await self._relay.stop()
        await relaying
        await self._publisher.close()

    async def _start_consumer(self) -> None:
        delay = 0.5
        while True:
            try:
                await self._keyring.current()
                await self._consumer.start()
                return
            except Exception as exc:
                log.warning("consumer_start_failed", error=str(exc)[:300], retry_in=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
