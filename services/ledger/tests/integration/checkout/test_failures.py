"""A provider failing while a session is created: retried where safe, then 502, never 500,
and nothing left behind."""

import asyncio
import uuid

import httpx
import pytest

from tests.fakes import FakeCoinbase, FakeRazorpay, FakeStripe

pytestmark = pytest.mark.integration

STRIPE = {"amount": 4900, "currency": "usd", "provider": "stripe"}


def auth(merchant: dict[str, str]) -> dict[str, str]:
    return {"authorization": merchant["authorization"]}


async def listed(api: httpx.AsyncClient, merchant: dict[str, str]) -> list[str]:
    page = (await api.get("/v1/sessions", headers=auth(merchant))).json()
    return [session["id"] for session in page["data"]]


async def test_stripe_5xx_is_retried_under_one_idempotency_key(
    api: httpx.AsyncClient, merchant: dict[str, str], stripe_api: FakeStripe
) -> None:
    """Two 503s, then success: three POSTs with one key, one PaymentIntent, 201."""
    stripe_api.faults.fail(503, times=2, match="POST /v1/payment_intents")
    response = await api.post("/v1/sessions", json=STRIPE, headers=auth(merchant))
    session_id = response.json()["id"]
    sent = stripe_api.requests_to("POST", "/v1/payment_intents")
    keys = [r.headers["idempotency-key"] for r in sent]
    assert (response.status_code, keys, len(stripe_api.intents_for(session_id))) == (
        201,
        [f"paywire:{session_id}:checkout"] * 3,
        1,
    )


async def test_stripe_down_answers_502_and_leaves_no_session_nor_key(
    api: httpx.AsyncClient, merchant: dict[str, str], stripe_api: FakeStripe
) -> None:
    """After three 500s the answer is 502 ``provider_unavailable``; nothing was created,
    and the same Idempotency-Key works once Stripe is back."""
    headers = auth(merchant) | {"idempotency-key": f"down-{uuid.uuid4()}"}
    stripe_api.faults.fail(500, times=3)
    failed = await api.post("/v1/sessions", json=STRIPE, headers=headers)
    after_failure = await listed(api, merchant)
    retried = await api.post("/v1/sessions", json=STRIPE, headers=headers)
    assert (failed.status_code, failed.json(), after_failure) == (
        502,
        {
            "error": {
                "code": "provider_unavailable",
                "message": "stripe is unavailable (An unknown error occurred); retry later",
                "details": {"provider": "stripe", "provider_code": "api_error"},
            }
        },
        [],
    )
    assert (retried.status_code, await listed(api, merchant)) == (201, [retried.json()["id"]])


async def test_a_stripe_timeout_is_retried_and_creates_one_payment_intent(
    api: httpx.AsyncClient, merchant: dict[str, str], stripe_api: FakeStripe
) -> None:
    """The first answer is lost to the 0.5 s timeout; the retry and the late original
    share the idempotency key, so Stripe holds one PaymentIntent for the session."""
    stripe_api.faults.hang(0.8, match="POST /v1/payment_intents")
    response = await api.post("/v1/sessions", json=STRIPE, headers=auth(merchant))
    await asyncio.sleep(0.6)  # the late original has now been handled too
    session_id = response.json()["id"]
    assert (
        response.status_code,
        len(stripe_api.requests_to("POST", "/v1/payment_intents")),
        len(stripe_api.intents_for(session_id)),
    ) == (201, 2, 1)


async def test_a_stripe_refusal_is_mapped_with_stripes_code(
    api: httpx.AsyncClient, merchant: dict[str, str], stripe_api: FakeStripe
) -> None:
    """Stripe's 400 ``amount_too_small`` answers 502 with that code, once, creating nothing."""
    response = await api.post("/v1/sessions", json=STRIPE | {"amount": 10}, headers=auth(merchant))
    assert (response.status_code, response.json(), await listed(api, merchant)) == (
        502,
        {
            "error": {
                "code": "amount_too_small",
                "message": "stripe refused: Amount must be at least $0.50 usd",
                "details": {"provider": "stripe"},
            }
        },
        [],
    )
    assert len(stripe_api.requests_to("POST", "/v1/payment_intents")) == 1


async def test_creating_a_razorpay_order_is_not_retried(
    api: httpx.AsyncClient, merchant: dict[str, str], razorpay_api: FakeRazorpay
) -> None:
    """Orders carry no idempotency key: one 500 answers 502 after a single POST."""
    razorpay_api.faults.fail(500)
    body = {"amount": 49900, "currency": "inr", "provider": "razorpay"}
    response = await api.post("/v1/sessions", json=body, headers=auth(merchant))
    assert (
        response.status_code,
        response.json()["error"]["details"],
        len(razorpay_api.requests_to("POST", "/v1/orders")),
        await listed(api, merchant),
    ) == (502, {"provider": "razorpay", "provider_code": "SERVER_ERROR"}, 1, [])


async def test_a_coinbase_timeout_is_not_retried(
    api: httpx.AsyncClient, merchant: dict[str, str], coinbase_api: FakeCoinbase
) -> None:
    """Charges carry no idempotency key: a timeout answers 502 after a single POST."""
    coinbase_api.faults.hang(0.8)
    body = {"amount": 4900, "currency": "usd", "provider": "coinbase"}
    response = await api.post("/v1/sessions", json=body, headers=auth(merchant))
    assert (
        response.status_code,
        response.json()["error"]["code"],
        response.json()["error"]["details"],
        len(coinbase_api.requests_to("POST", "/charges")),
    ) == (502, "provider_unavailable", {"provider": "coinbase", "provider_code": "timeout"}, 1)
