import asyncio
from typing import Any

import aio_pika
import httpx
import pytest
from asgi_lifespan import LifespanManager
from common.events import CloudEvent
from common.messaging import EXCHANGE, AmqpConnection, AmqpPublisher, declare_topology
from fulfillment.app import create_app
from fulfillment.settings import FulfillmentSettings
from fulfillment.tables import invoices
from pydantic import SecretStr
from sqlalchemy import select

pytestmark = pytest.mark.integration


async def wait_for_invoice(app: Any, session_id: str, seconds: float = 20.0) -> str:
    """Poll until the session's invoice exists; its number."""
    async with asyncio.timeout(seconds):
        while True:
            async with app.state.services.uow() as session:
                number = (
                    await session.execute(
                        select(invoices.c.number).where(invoices.c.session_id == session_id)
                    )
                ).scalar_one_or_none()
            if number is not None:
                return str(number)
            await asyncio.sleep(0.1)


async def test_a_published_paid_event_is_fulfilled_end_to_end(
    settings: FulfillmentSettings, ledger: Any, merchant: Any, payment_event: Any
) -> None:
    """The app's consumer takes payment.paid off the real queue, and its relay publishes
    fulfillment.issued to the exchange."""
    connection = AmqpConnection(settings.amqp_url.get_secret_value())
    channel = await (await connection.get()).channel()
    await declare_topology(channel)
    issued_queue = await channel.declare_queue(exclusive=True, auto_delete=True)
    await issued_queue.bind(EXCHANGE, routing_key="fulfillment.issued")
    publisher = AmqpPublisher(connection)
    event: CloudEvent = payment_event(merchant[0])
    session_id = event.data["session_id"]
    app = create_app(settings, ledger_client=ledger.client())
    try:
        async with LifespanManager(app):
            await publisher.publish(event, "payment.paid")
            number = await wait_for_invoice(app, session_id)
            emitted = await next_issued(issued_queue, session_id)
    finally:
        await publisher.close()
        await connection.close()
    assert (emitted.type, emitted.data["invoice_number"], emitted.correlationid) == (
        "paywire.fulfillment.issued",
        number,
        event.id,
    )


async def next_issued(queue: aio_pika.abc.AbstractQueue, session_id: str) -> CloudEvent:
    """The first fulfillment.issued message for ``session_id`` on ``queue``."""
    async with asyncio.timeout(20), queue.iterator() as messages:
        async for message in messages:
            async with message.process():
                emitted = CloudEvent.from_bytes(message.body)
            if emitted.subject == session_id:
                return emitted
    raise AssertionError("the queue closed")


async def test_health_and_readiness(client: httpx.AsyncClient) -> None:
    """healthz answers while running; readyz is 200 with Postgres and RabbitMQ reachable."""
    health, ready = await client.get("/healthz"), await client.get("/readyz")
    metrics = await client.get("/metrics")
    assert (health.json(), ready.status_code, ready.json()) == (
        {"status": "ok"},
        200,
        {"status": "ready", "checks": {"database": "ok", "broker": "ok", "signing_key": "ok"}},
    )
    assert metrics.headers["content-type"].startswith("text/plain")


async def test_readiness_fails_without_the_broker(
    settings: FulfillmentSettings, ledger: Any
) -> None:
    """readyz is 503 when the broker cannot be reached, and the app still serves."""
    broken = settings.model_copy(update={"amqp_url": SecretStr("amqp://guest:guest@127.0.0.1:1/")})
    app = create_app(broken, ledger_client=ledger.client())
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://f.test") as client:
            ready = await client.get("/readyz")
    finally:
        await app.state.services.close()
    assert (ready.status_code, ready.json()["checks"]) == (
        503,
        {"database": "ok", "broker": "unavailable", "signing_key": "ok"},
    )


async def test_readiness_fails_with_a_wrong_signing_key_passphrase(
    settings: FulfillmentSettings, ledger: Any
) -> None:
    """readyz is 503 when the stored signing key does not open with the configured passphrase."""
    misconfigured = settings.model_copy(
        update={"signing_key_passphrase": SecretStr("not-the-passphrase")}
    )
    app = create_app(misconfigured, ledger_client=ledger.client())
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://f.test") as client:
            ready = await client.get("/readyz")
    finally:
        await app.state.services.close()
    assert (ready.status_code, ready.json()["checks"]) == (
        503,
        {"database": "ok", "broker": "ok", "signing_key": "unavailable"},
    )
