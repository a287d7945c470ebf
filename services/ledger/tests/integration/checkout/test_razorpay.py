"""Creating Razorpay sessions: an order per session for Razorpay Checkout."""

import base64
import uuid
from typing import Any

import httpx
import pytest
from ledger.bootstrap import Ledger
from ledger.handlers import on_provider_event

from tests.fakes import FakeRazorpay

pytestmark = pytest.mark.integration

BODY = {"amount": 49900, "currency": "inr", "provider": "razorpay"}


def auth(merchant: dict[str, str]) -> dict[str, str]:
    return {"authorization": merchant["authorization"]}


async def test_a_razorpay_session_answers_with_its_order_for_checkout(
    api: httpx.AsyncClient, merchant: dict[str, str], razorpay_api: FakeRazorpay
) -> None:
    """The checkout names the order and the key id; Razorpay saw Basic auth and the notes."""
    response = await api.post("/v1/sessions", json=BODY, headers=auth(merchant))
    session = response.json()
    [order] = razorpay_api.orders_with_receipt(session["id"])
    [sent] = razorpay_api.requests_to("POST", "/v1/orders")
    credentials = f"{razorpay_api.key_id}:{razorpay_api.key_secret}".encode()
    assert (response.status_code, session["checkout"]) == (
        201,
        {
            "type": "razorpay_order",
            "order_id": order["id"],
            "key_id": razorpay_api.key_id,
            "amount": 49900,
            "currency": "INR",
        },
    )
    assert (sent.headers["authorization"], sent.body) == (
        f"Basic {base64.b64encode(credentials).decode()}",
        {
            "amount": 49900,
            "currency": "INR",
            "receipt": session["id"],
            "notes": {"paywire_session_id": session["id"]},
        },
    )


async def test_a_payment_webhook_naming_only_the_order_pays_the_session(
    api: httpx.AsyncClient, merchant: dict[str, str], checkout_ledger: Ledger, make_event: Any
) -> None:
    """A captured payment whose notes lack the session matches by the recorded order id."""
    created = (await api.post("/v1/sessions", json=BODY, headers=auth(merchant))).json()
    event = make_event(
        None,
        "payment_succeeded",
        f"evt_{uuid.uuid4().hex}",
        provider="razorpay",
        provider_payment_ids=(f"pay_{uuid.uuid4().hex[:14]}", created["checkout"]["order_id"]),
        amount=49900,
        currency="INR",
    )
    await on_provider_event(event, checkout_ledger.sessions)
    read = (await api.get(f"/v1/sessions/{created['id']}", headers=auth(merchant))).json()
    assert read["status"] == "paid"
