"""Integration fixtures: the real Postgres (a test database) and RabbitMQ, and the app."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import pytest
from common.events import CloudEvent, PaymentEvent
from common.ids import event_id_for, new_event_id, new_session_id
from fastapi import FastAPI
from fulfillment.app import create_app
from fulfillment.bootstrap import Services, payment_event_handler
from fulfillment.merchants import Merchant
from fulfillment.operations import migrate
from fulfillment.settings import FulfillmentSettings
from fulfillment.tables import messaging
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.engine import make_url

PUBLIC_BASE_URL = "http://fulfillment.test"
DATABASE_URL = os.environ.get(
    "PAYWIRE_TEST_FULFILLMENT_DATABASE_URL",
    f"postgresql+asyncpg://postgres@127.0.0.1:5432/{os.environ['PAYWIRE_TEST_DB_PREFIX']}_fulfillment",
)
AMQP_URL = os.environ.get("PAYWIRE_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")


async def _create_database(url: str) -> None:
    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres")
    conn = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", parsed.database):
            await conn.execute(f'CREATE DATABASE "{parsed.database}"')
    finally:
        await conn.close()


@pytest.fixture(scope="session")
async def settings() -> FulfillmentSettings:
    """Settings for a migrated test database."""
    await _create_database(DATABASE_URL)
    await migrate(DATABASE_URL)
    return FulfillmentSettings(
        env="test",
        database_url=DATABASE_URL,
        amqp_url=SecretStr(AMQP_URL),
        public_base_url=PUBLIC_BASE_URL,
        ledger_url="http://ledger.test",
        signing_key_passphrase=SecretStr("integration-test-passphrase"),
    )


@pytest.fixture(scope="session")
async def app(settings: FulfillmentSettings, ledger: Any) -> AsyncIterator[FastAPI]:
    """The app without its lifespan: HTTP only, no consumer or relay."""
    app = create_app(settings, ledger_client=ledger.client())
    yield app
    await app.state.services.close()


@pytest.fixture(scope="session")
def services(app: FastAPI) -> Services:
    """The app's shared resources."""
    services: Services = app.state.services
    return services


@pytest.fixture(scope="session")
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client to the app, in-process."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_BASE_URL) as client:
        yield client


@pytest.fixture
def merchant(ledger: Any) -> tuple[Merchant, str]:
    """A new merchant known to the stand-in ledger, and its API key."""
    registered: tuple[Merchant, str] = ledger.add_merchant("Acme Tools")
    return registered


PaymentEventFactory = Callable[..., CloudEvent]


@pytest.fixture
def payment_event() -> PaymentEventFactory:
    """Builds a ledger ``payment.<status>`` CloudEvent for a merchant."""

    def build(
        merchant: Merchant,
        status: str = "paid",
        session_id: str | None = None,
        **fields: Any,
    ) -> CloudEvent:
        payment = PaymentEvent.model_validate(
            {
                "session_id": session_id or new_session_id(),
                "merchant_id": merchant.id,
                "merchant_name": merchant.name,
                "status": status,
                "previous_status": "pending" if status == "paid" else "paid",
                "amount": 49900,
                "currency": "INR",
                "provider": "stripe",
                "customer": {"id": "cus_42", "email": "asha@example.com", "name": "Asha Rao"},
                "product": "Pro plan",
                "description": "Pro plan, one year",
                "occurred_at": datetime.now(UTC),
                **fields,
            }
        )
        return CloudEvent(
            id=new_event_id(),
            source="paywire/ledger",
            type=f"paywire.payment.{status}",
            subject=payment.session_id,
            data=payment.model_dump(mode="json"),
        )

    return build


@pytest.fixture(scope="session")
def handle(services: Services) -> Callable[[CloudEvent], Awaitable[None]]:
    """The consumer's handler, called directly."""
    return payment_event_handler(services)


@dataclass(frozen=True)
class Issued:
    """What a handled paid event produced, read back from the outbox."""

    session_id: str
    invoice_id: str
    invoice_number: str
    api_key_id: str
    token: str


OutboxReader = Callable[[str, str], Awaitable[dict[str, Any] | None]]


@pytest.fixture(scope="session")
def outbox(services: Services) -> OutboxReader:
    """Reads the outbox body of ``fulfillment.<kind>`` for a session, if enqueued."""

    async def read(kind: str, session_id: str) -> dict[str, Any] | None:
        event_id = event_id_for("fulfillment", f"{kind}:{session_id}")
        async with services.uow() as session:
            found = await session.execute(
                select(messaging.outbox.c.body).where(messaging.outbox.c.event_id == event_id)
            )
            body: dict[str, Any] | None = found.scalar_one_or_none()
            return body

    return read


@pytest.fixture
def issue(
    outbox: OutboxReader,
    handle: Callable[[CloudEvent], Awaitable[None]],
    payment_event: PaymentEventFactory,
) -> Callable[..., Awaitable[Issued]]:
    """Handles a new paid event for a merchant and returns what was issued."""

    async def run(merchant: Merchant, **fields: Any) -> Issued:
        event = payment_event(merchant, **fields)
        await handle(event)
        body = await outbox("issued", event.data["session_id"])
        assert body is not None
        data = body["data"]
        return Issued(
            session_id=data["session_id"],
            invoice_id=data["invoice_id"],
            invoice_number=data["invoice_number"],
            api_key_id=data["api_key_id"],
            token=data["access_url"].rsplit("/", 1)[1],
        )

    return run
