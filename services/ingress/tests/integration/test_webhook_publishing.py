"""Webhooks published with confirms to the real RabbitMQ, as the ledger receives them."""

from __future__ import annotations

from collections.abc import Callable

import aio_pika
import pytest
from aio_pika.abc import AbstractQueue
from common.events import CloudEvent
from common.ids import event_id_for
from common.settings import StripeSettings
from ingress.providers import WebhookRequest
from ingress.providers.stripe import StripeProvider

pytestmark = pytest.mark.integration

Loader = Callable[[str], bytes]
CLOSED_PORT_URL = "amqp://guest:guest@127.0.0.1:1/"


async def drain(queue: AbstractQueue) -> list[aio_pika.abc.AbstractIncomingMessage]:
    messages = []
    while (message := await queue.get(no_ack=True, fail=False, timeout=5)) is not None:
        messages.append(message)
    return messages


async def test_signed_webhook_lands_in_the_ledger_queue(
    app_client, ledger_queue: AbstractQueue, sign_stripe, stripe_fixture: Loader
) -> None:
    """A verified webhook is in ledger.provider-events, persistent, once 200 is answered."""
    body = stripe_fixture("payment_intent.succeeded")
    headers = {**sign_stripe(body), "X-Request-Id": "req_integration_1"}
    async with app_client() as client:
        response = await client.post("/webhooks/stripe", content=body, headers=headers)
    [message] = await drain(ledger_queue)
    event = CloudEvent.from_bytes(message.body)
    event_id = event_id_for("stripe", "evt_3PrwH62eZvKYlo2C0Yq3fW1d")
    normalized = StripeProvider(["whsec_unused"]).read_event(WebhookRequest(body, {}))
    assert (response.status_code, message.delivery_mode, message.message_id) == (
        200,
        aio_pika.DeliveryMode.PERSISTENT,
        event_id,
    )
    assert event.model_dump(exclude={"time"}) == {
        "specversion": "1.0",
        "id": event_id,
        "source": "paywire/ingress/stripe",
        "type": "paywire.provider.payment_succeeded",
        "subject": "ses_01J5ZK3V8QH7N2M4R6T9W1X3YA",
        "datacontenttype": "application/json",
        "correlationid": "req_integration_1",
        "dataschemaversion": 1,
        "data": normalized.model_dump(mode="json"),
    }


async def test_redelivered_webhook_keeps_its_event_id(
    app_client, ledger_queue: AbstractQueue, sign_stripe, stripe_fixture: Loader
) -> None:
    """The same webhook sent twice arrives twice under one event id."""
    body = stripe_fixture("checkout.session.completed")
    async with app_client() as client:
        statuses = [
            (
                await client.post("/webhooks/stripe", content=body, headers=sign_stripe(body))
            ).status_code
            for _ in range(2)
        ]
    ids = [CloudEvent.from_bytes(message.body).id for message in await drain(ledger_queue)]
    expected_id = event_id_for("stripe", "evt_1PrwJ82eZvKYlo2CxV0tQ3Ls")
    assert (statuses, ids) == ([200, 200], [expected_id, expected_id])


async def test_unreachable_broker_is_503_and_publishes_nothing(
    app_client, ledger_queue: AbstractQueue, sign_stripe, stripe_fixture: Loader
) -> None:
    """With the broker unreachable the app still starts; webhooks and readiness answer 503."""
    body = stripe_fixture("payment_intent.succeeded")
    async with app_client(amqp_url=CLOSED_PORT_URL) as client:
        webhook = await client.post("/webhooks/stripe", content=body, headers=sign_stripe(body))
        ready = await client.get("/readyz")
    assert (webhook.status_code, webhook.json()["error"]["code"], ready.status_code) == (
        503,
        "publish_failed",
        503,
    )
    assert await drain(ledger_queue) == []


async def test_reachable_broker_is_ready(app_client, ledger_queue: AbstractQueue) -> None:
    """With the broker reachable, readiness answers 200."""
    async with app_client() as client:
        ready = await client.get("/readyz")
    assert (ready.status_code, ready.json()) == (
        200,
        {"status": "ready", "checks": {"broker": "ok"}},
    )


async def test_body_over_one_mebibyte_is_413(
    app_client, ledger_queue: AbstractQueue, sign_stripe
) -> None:
    """A body over 1 MiB answers 413 and publishes nothing, however it is signed."""
    body = b'{"pad": "' + b"x" * (1024 * 1024) + b'"}'
    async with app_client() as client:
        response = await client.post("/webhooks/stripe", content=body, headers=sign_stripe(body))
    assert (response.status_code, await drain(ledger_queue)) == (413, [])


async def test_unconfigured_provider_is_404(
    app_client, ledger_queue: AbstractQueue, sign_stripe, stripe_fixture: Loader
) -> None:
    """A provider with no secret configured answers 404 and publishes nothing."""
    body = stripe_fixture("payment_intent.succeeded")
    async with app_client(stripe=StripeSettings()) as client:
        response = await client.post("/webhooks/stripe", content=body, headers=sign_stripe(body))
    assert (response.status_code, await drain(ledger_queue)) == (404, [])
