"""``POST /webhooks/{provider}`` answers per the contract and publishes what it verified."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator, Callable, Iterator

import pytest
from common.ids import event_id_for
from common.logging import configure_logging
from common.settings import StripeSettings
from ingress.providers import WebhookRequest
from ingress.providers.stripe import StripeProvider

Loader = Callable[[str], bytes]


def error(code: str, message: str) -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message}}


def normalized(body: bytes) -> dict[str, object]:
    event = StripeProvider(["whsec_unused"]).read_event(WebhookRequest(body, {}))
    return event.model_dump(mode="json")


async def test_verified_webhook_is_published_then_acknowledged(
    client_for, publisher, sign_stripe, stripe_fixture: Loader
) -> None:
    """A verified webhook is published as a CloudEvent with its derived id, then 200."""
    body = stripe_fixture("payment_intent.succeeded")
    headers = {**sign_stripe(body), "X-Request-Id": "req_test_1"}
    async with client_for(publisher) as client:
        response = await client.post("/webhooks/stripe", content=body, headers=headers)
    event_id = event_id_for("stripe", "evt_3PrwH62eZvKYlo2C0Yq3fW1d")
    assert (response.status_code, response.json(), response.headers["x-request-id"]) == (
        200,
        {"received": True, "event_id": event_id},
        "req_test_1",
    )
    [(routing_key, event)] = publisher.published
    assert (routing_key, event.model_dump(exclude={"time"})) == (
        "provider.stripe.payment_succeeded",
        {
            "specversion": "1.0",
            "id": event_id,
            "source": "paywire/ingress/stripe",
            "type": "paywire.provider.payment_succeeded",
            "subject": "ses_01J5ZK3V8QH7N2M4R6T9W1X3YA",
            "datacontenttype": "application/json",
            "correlationid": "req_test_1",
            "dataschemaversion": 1,
            "data": normalized(body),
        },
    )


async def test_replayed_webhook_keeps_its_event_id(
    client_for, publisher, sign_stripe, stripe_fixture: Loader
) -> None:
    """The same webhook delivered twice is published twice under one event id."""
    body = stripe_fixture("charge.refunded")
    async with client_for(publisher) as client:
        for _ in range(2):
            await client.post("/webhooks/stripe", content=body, headers=sign_stripe(body))
    ids = [event.id for _, event in publisher.published]
    assert ids == [event_id_for("stripe", "evt_3PrwH62eZvKYlo2C0aR7uL2c")] * 2


async def test_ignored_kind_is_published_as_ignored(
    client_for, publisher, sign_stripe, stripe_fixture: Loader
) -> None:
    """A verified event paywire does not act on is published as ignored and answered 200."""
    body = stripe_fixture("customer.created")
    async with client_for(publisher) as client:
        response = await client.post("/webhooks/stripe", content=body, headers=sign_stripe(body))
    keys = [key for key, _ in publisher.published]
    assert (response.status_code, keys) == (200, ["provider.stripe.ignored"])


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "signature missing"),
        ({"Stripe-Signature": "t=1,v1=00"}, "signature outside window"),
        ({"Stripe-Signature": "nonsense"}, "signature malformed"),
    ],
)
async def test_bad_signature_is_401(
    client_for, publisher, stripe_fixture: Loader, headers: dict[str, str], message: str
) -> None:
    """A missing, stale or malformed signature answers 401 and publishes nothing."""
    body = stripe_fixture("payment_intent.succeeded")
    async with client_for(publisher) as client:
        response = await client.post("/webhooks/stripe", content=body, headers=headers)
    assert (response.status_code, response.json(), publisher.published) == (
        401,
        error("invalid_signature", message),
        [],
    )


async def test_wrong_secret_is_401(client_for, publisher, sign_stripe, stripe_fixture) -> None:
    """A webhook signed with another secret answers 401."""
    body = stripe_fixture("payment_intent.succeeded")
    headers = sign_stripe(body, secret="whsec_someone_else_0123456789")
    async with client_for(publisher) as client:
        response = await client.post("/webhooks/stripe", content=body, headers=headers)
    assert (response.status_code, response.json()) == (
        401,
        error("invalid_signature", "signature mismatch"),
    )


async def test_verified_but_unparseable_body_is_400(client_for, publisher, sign_stripe) -> None:
    """A correctly signed body that is not JSON answers 400 and publishes nothing."""
    body = b"{not json"
    async with client_for(publisher) as client:
        response = await client.post("/webhooks/stripe", content=body, headers=sign_stripe(body))
    assert (response.status_code, response.json(), publisher.published) == (
        400,
        error("invalid_payload", "the body is not a valid payload"),
        [],
    )


@pytest.mark.parametrize("path", ["/webhooks/acme", "/webhooks/razorpay"])
async def test_unknown_provider_is_404(client_for, publisher, path: str) -> None:
    """An unknown provider, or one without a configured secret, answers 404."""
    async with client_for(publisher) as client:
        response = await client.post(path, content=b"{}")
    assert (response.status_code, response.json()) == (
        404,
        error("unknown_provider", "this provider is not configured"),
    )


async def test_unconfigured_stripe_is_404(
    client_for, publisher, sign_stripe, stripe_fixture: Loader
) -> None:
    """Stripe without a webhook secret answers 404, even to a well-signed request."""
    body = stripe_fixture("payment_intent.succeeded")
    async with client_for(publisher, stripe=StripeSettings()) as client:
        response = await client.post("/webhooks/stripe", content=body, headers=sign_stripe(body))
    assert (response.status_code, response.json()) == (
        404,
        error("unknown_provider", "this provider is not configured"),
    )


class CountingBody:
    """A request body that streams ``chunk`` forever and counts what was read."""

    def __init__(self, chunk: bytes) -> None:
        self.chunk = chunk
        self.chunks_read = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while True:
            self.chunks_read += 1
            yield self.chunk


async def test_declared_oversize_body_is_413_unread(client_for, publisher) -> None:
    """A Content-Length over the limit answers 413 before any of the body is read."""
    body = CountingBody(b"x" * 65_536)
    headers = {"Content-Length": str(1024 * 1024 + 1), "Stripe-Signature": "t=1,v1=00"}
    async with client_for(publisher) as client:
        response = await client.post("/webhooks/stripe", content=body, headers=headers)
    assert (response.status_code, response.json(), body.chunks_read) == (
        413,
        error("payload_too_large", "the body exceeds 1048576 bytes"),
        0,
    )


async def test_streamed_oversize_body_is_413_when_the_limit_is_passed(
    client_for, publisher
) -> None:
    """A chunked body is read only until it passes the limit, then answered 413."""
    body = CountingBody(b"x" * 65_536)
    async with client_for(publisher) as client:
        response = await client.post("/webhooks/stripe", content=body)
    assert (response.status_code, body.chunks_read) == (413, 17)


async def test_unconfirmed_publish_is_503(
    client_for, unavailable_publisher, sign_stripe, stripe_fixture: Loader
) -> None:
    """When the broker does not confirm, the webhook answers 503 so the provider retries."""
    body = stripe_fixture("payment_intent.succeeded")
    async with client_for(unavailable_publisher) as client:
        response = await client.post("/webhooks/stripe", content=body, headers=sign_stripe(body))
    assert (response.status_code, response.json()) == (
        503,
        error("publish_failed", "the event was not stored; retry"),
    )


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Puts the root logger's handlers and level back after the test."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.usefixtures("restore_logging")
async def test_one_summary_line_per_request_and_no_secrets(
    client_for, publisher, sign_stripe, stripe_fixture: Loader, stripe_secret: str, capsys
) -> None:
    """Each webhook logs one summary line with its correlation id; no secret or signature."""
    configure_logging("INFO", "json", secrets=[stripe_secret])
    body = stripe_fixture("payment_intent.succeeded")
    good = sign_stripe(body)
    bad = {"Stripe-Signature": f"t={int(time.time())},v1={'ab' * 32}"}
    async with client_for(publisher) as client:
        await client.post("/webhooks/stripe", content=body, headers={**good, "X-Request-Id": "r1"})
        await client.post("/webhooks/stripe", content=body, headers={**bad, "X-Request-Id": "r2"})
    output = capsys.readouterr().out
    lines = [json.loads(line) for line in output.splitlines()]
    summary = [
        (line["event"], line["correlation_id"], line["status"])
        for line in lines
        if line["logger"] == "paywire.ingress.webhooks"
    ]
    leaked = [s for s in (stripe_secret, good["Stripe-Signature"], "ab" * 32) if s in output]
    assert (summary, leaked) == (
        [("webhook_accepted", "r1", 200), ("webhook_rejected", "r2", 401)],
        [],
    )
