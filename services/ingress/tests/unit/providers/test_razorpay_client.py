"""The Razorpay client's requests: Basic credentials, JSON, idempotent refunds only."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from common.provider_settings import RazorpaySettings
from ingress.providers.http import ProviderApiError, ProviderApiUnavailable
from ingress.providers.razorpay.client import RazorpayClient, refund_idempotency_key

from .clients import NO_WAIT, Script, answer

ORDER = {
    "id": "order_1",
    "entity": "order",
    "amount": 49900,
    "amount_paid": 0,
    "amount_due": 49900,
    "currency": "INR",
    "receipt": "ses_1",
    "status": "created",
    "notes": {"paywire_session_id": "ses_1"},
}


@pytest.fixture
async def client_for() -> AsyncIterator[Callable[[Script], RazorpayClient]]:
    """A Razorpay client answering from a script, with no wait between retries."""
    clients: list[httpx.AsyncClient] = []

    def make(script: Script) -> RazorpayClient:
        http = httpx.AsyncClient(transport=httpx.MockTransport(script))
        clients.append(http)
        settings = RazorpaySettings(
            key_id="rzp_test_1", key_secret="s3cret", api_base="https://rzp.test"
        )
        client = RazorpayClient.from_settings(settings, http, NO_WAIT)
        assert client is not None
        return client

    yield make
    for http in clients:
        await http.aclose()


async def test_an_order_is_created_with_basic_auth_and_json(
    client_for: Callable[[Script], RazorpayClient],
) -> None:
    """``POST /v1/orders`` carries key id and secret as HTTP Basic and a JSON body."""
    script = Script(answer(200, ORDER))
    order = await client_for(script).create_order(
        amount=49900, currency="inr", receipt="ses_1", notes={"paywire_session_id": "ses_1"}
    )
    sent = script.requests[0]
    basic = base64.b64encode(b"rzp_test_1:s3cret").decode()
    assert (order.id, order.amount, sent.headers["authorization"]) == (
        "order_1",
        49900,
        f"Basic {basic}",
    )
    assert json.loads(sent.content) == {
        "amount": 49900,
        "currency": "INR",
        "receipt": "ses_1",
        "notes": {"paywire_session_id": "ses_1"},
    }


async def test_creating_an_order_is_never_retried(
    client_for: Callable[[Script], RazorpayClient],
) -> None:
    """Orders have no idempotency key: a 502 is reported after one request."""
    script = Script(answer(502, {"error": {"code": "SERVER_ERROR", "description": "down"}}))
    with pytest.raises(ProviderApiUnavailable):
        await client_for(script).create_order(amount=100, currency="INR", receipt="r", notes={})
    assert len(script.requests) == 1


async def test_a_refund_is_retried_under_its_idempotency_header(
    client_for: Callable[[Script], RazorpayClient],
) -> None:
    """A refund carries ``X-Refund-Idempotency`` and is repeated after a timeout."""
    refund = {"id": "rfnd_1", "amount": 100, "currency": "INR", "payment_id": "pay_1"}
    script = Script(httpx.ReadTimeout("slow"), answer(200, refund | {"status": "processed"}))
    await client_for(script).create_refund(
        "pay_1", amount=100, idempotency_key="paywire-ref-0001", notes={}, receipt="ref_1"
    )
    keys = [r.headers["x-refund-idempotency"] for r in script.requests]
    assert keys == ["paywire-ref-0001", "paywire-ref-0001"]


async def test_an_unknown_id_is_a_refusal_with_razorpays_code(
    client_for: Callable[[Script], RazorpayClient],
) -> None:
    """Razorpay's 400 for an unknown id keeps its code and description."""
    body = {"error": {"code": "BAD_REQUEST_ERROR", "description": "The id provided does not exist"}}
    with pytest.raises(ProviderApiError) as raised:
        await client_for(Script(answer(400, body))).order_status("order_x")
    assert (raised.value.code, raised.value.message) == (
        "BAD_REQUEST_ERROR",
        "The id provided does not exist",
    )


def test_refund_keys_razorpay_would_refuse_become_a_stable_digest() -> None:
    """A valid key passes; a short one or one with ``:`` becomes ``paywire-`` + a digest."""
    digest = "paywire-" + hashlib.sha256(b"paywire:ses_1:ref_1").hexdigest()[:40]
    assert [
        refund_idempotency_key(key) for key in ("paywire-ref_0001", "paywire:ses_1:ref_1", "short")
    ] == ["paywire-ref_0001", digest, "paywire-" + hashlib.sha256(b"short").hexdigest()[:40]]
