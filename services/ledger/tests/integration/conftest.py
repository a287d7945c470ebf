"""A dedicated, migrated Postgres database for the ledger's integration tests, and helpers."""

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncpg
import httpx
import pytest
from common.events import CloudEvent, ProviderEvent, RawBody
from common.ids import event_id_for
from common.messaging import AmqpConnection, QueueSpec, declare_topology
from ledger.app import create_app
from ledger.bootstrap import Ledger, bootstrap
from ledger.operations import create_merchant, migrate
from ledger.settings import LedgerSettings
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

POSTGRES = os.environ.get("PAYWIRE_TEST_POSTGRES", "postgres@127.0.0.1:5432")
TEST_DATABASE = os.environ.get(
    "PAYWIRE_TEST_LEDGER_DATABASE", f"{os.environ['PAYWIRE_TEST_DB_PREFIX']}_ledger"
)


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    admin = await asyncpg.connect(f"postgresql://{POSTGRES}/postgres")
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {TEST_DATABASE} WITH (FORCE)")
        await admin.execute(f"CREATE DATABASE {TEST_DATABASE}")
        url = f"postgresql+asyncpg://{POSTGRES}/{TEST_DATABASE}"
        await migrate(url)
        yield url
        await admin.execute(f"DROP DATABASE IF EXISTS {TEST_DATABASE} WITH (FORCE)")
    finally:
        await admin.close()


@pytest.fixture(scope="session")
def settings(database_url: str) -> LedgerSettings:
    return LedgerSettings(database_url=database_url, env="test", session_ttl_seconds=3600)


@pytest.fixture(scope="session")
async def ledger(settings: LedgerSettings) -> AsyncIterator[Ledger]:
    built = bootstrap(settings)
    yield built
    await built.close()


@pytest.fixture(scope="session")
def db(ledger: Ledger) -> async_sessionmaker[AsyncSession]:
    return ledger.sessions


@pytest.fixture(scope="session")
async def client(settings: LedgerSettings, ledger: Ledger) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, ledger)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://ledger") as http:
        yield http


@pytest.fixture
async def merchant(database_url: str) -> dict[str, str]:
    """A new merchant: ``merchant_id``, ``api_key`` and ready-made ``headers``."""
    created = await create_merchant(database_url, "Acme Books")
    return created | {"authorization": f"Bearer {created['api_key']}"}


SessionMaker = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
def new_session(client: httpx.AsyncClient, merchant: dict[str, str]) -> SessionMaker:
    """Create a session over the API for ``merchant`` and return its JSON."""

    async def make(**fields: Any) -> dict[str, Any]:
        body = {"amount": 1000, "currency": "usd", "provider": "stripe"} | fields
        response = await client.post(
            "/v1/sessions", json=body, headers={"authorization": merchant["authorization"]}
        )
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    return make


def provider_event(
    session_ref: str | None, kind: str, provider_event_id: str, **fields: Any
) -> CloudEvent:
    """A CloudEvent as ingress publishes it for a Stripe event."""
    values: dict[str, Any] = {
        "provider": "stripe",
        "provider_event_id": provider_event_id,
        "provider_event_type": f"test.{kind}",
        "kind": kind,
        "verified_by": "signature",
        "session_ref": session_ref,
        "raw": RawBody(content_type="application/json", text=f'{{"id": "{provider_event_id}"}}'),
    }
    event = ProviderEvent(**(values | fields))
    return CloudEvent(
        id=event_id_for("stripe", provider_event_id),
        source="paywire/ingress",
        type=f"paywire.provider.{kind}",
        subject=session_ref,
        data=event.model_dump(mode="json"),
    )


@pytest.fixture
def make_event() -> Callable[..., CloudEvent]:
    return provider_event


@pytest.fixture
async def amqp(settings: LedgerSettings) -> AsyncIterator[AmqpConnection]:
    """A connection to the test broker, closed after the test."""
    connection = AmqpConnection(settings.amqp_url.get_secret_value())
    yield connection
    await connection.close()


@pytest.fixture
async def queue(amqp: AmqpConnection) -> AsyncIterator[QueueSpec]:
    """A queue of this test's own, bound to a routing key only it uses."""
    tag = uuid.uuid4().hex[:12]
    spec = QueueSpec(f"ledger.provider-events.test-{tag}", (f"test.{tag}.#",), delivery_limit=2)
    channel = await (await amqp.get()).channel()
    await declare_topology(channel, (spec,))
    yield spec
    await channel.queue_delete(spec.name)
    await channel.queue_delete(spec.dead_letter_queue)
    await channel.close()
