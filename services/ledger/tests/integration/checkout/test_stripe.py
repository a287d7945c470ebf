"""Creating Stripe sessions: a PaymentIntent per session, found again by its id."""

import uuid
from typing import Any

import httpx
import pytest
from common.events import CloudEvent
from ledger import stripe_customers
from ledger.bootstrap import Ledger
from ledger.handlers import on_provider_event

from tests.fakes import FakeStripe

pytestmark = pytest.mark.integration

BODY = {"amount": 4900, "currency": "usd", "provider": "stripe", "product": "Pro plan"}


def auth(merchant: dict[str, str]) -> dict[str, str]:
    return {"authorization": merchant["authorization"]}


async def test_a_stripe_session_answers_with_its_payment_intents_client_secret(
    api: httpx.AsyncClient, merchant: dict[str, str], stripe_api: FakeStripe
) -> None:
    """The checkout holds the client secret; Stripe saw the key, idempotency key and metadata."""
    response = await api.post("/v1/sessions", json=BODY, headers=auth(merchant))
    session = response.json()
    [intent] = stripe_api.intents_for(session["id"])
    [sent] = stripe_api.requests_to("POST", "/v1/payment_intents")
    assert (response.status_code, session["checkout"]) == (
        201,
        {
            "type": "stripe_payment_intent",
            "client_secret": intent["client_secret"],
            "payment_intent_id": intent["id"],
            "publishable_hint": "pk_test",
        },
    )
    assert (sent.headers["authorization"], sent.headers["idempotency-key"]) == (
        f"Bearer {stripe_api.api_key}",
        f"paywire:{session['id']}:checkout",
    )
    assert sent.body == {
        "amount": "4900",
        "currency": "usd",
        "automatic_payment_methods[enabled]": "true",
        "metadata[paywire_session_id]": session["id"],
        "description": "Pro plan",
    }


async def test_the_session_reads_back_with_its_checkout_and_payment_intent(
    api: httpx.AsyncClient, merchant: dict[str, str], stripe_api: FakeStripe
) -> None:
    """GET shows the same checkout, and the PaymentIntent id as the session's attempt."""
    created = (await api.post("/v1/sessions", json=BODY, headers=auth(merchant))).json()
    read = (await api.get(f"/v1/sessions/{created['id']}", headers=auth(merchant))).json()
    [intent] = stripe_api.intents_for(created["id"])
    assert (
        read["checkout"],
        [(a["provider"], a["provider_payment_id"]) for a in read["attempts"]],
    ) == (
        created["checkout"],
        [("stripe", intent["id"])],
    )


async def test_a_webhook_carrying_only_the_payment_intent_id_pays_the_session(
    api: httpx.AsyncClient,
    merchant: dict[str, str],
    checkout_ledger: Ledger,
    make_event: Any,
) -> None:
    """An event without a session reference matches by the recorded PaymentIntent id."""
    created = (await api.post("/v1/sessions", json=BODY, headers=auth(merchant))).json()
    intent_id = created["checkout"]["payment_intent_id"]
    event: CloudEvent = make_event(
        None,
        "payment_succeeded",
        f"evt_{uuid.uuid4().hex}",
        provider_payment_ids=(intent_id,),
        amount=4900,
        currency="USD",
    )
    await on_provider_event(event, checkout_ledger.sessions)
    read = (await api.get(f"/v1/sessions/{created['id']}", headers=auth(merchant))).json()
    assert read["status"] == "paid"


async def test_a_replayed_idempotency_key_creates_one_payment_intent(
    api: httpx.AsyncClient, merchant: dict[str, str], stripe_api: FakeStripe
) -> None:
    """The second request with the key replays the first answer; Stripe is asked once."""
    headers = auth(merchant) | {"idempotency-key": f"stripe-{uuid.uuid4()}"}
    first = await api.post("/v1/sessions", json=BODY, headers=headers)
    second = await api.post("/v1/sessions", json=BODY, headers=headers)
    assert (second.status_code, second.json(), second.headers["idempotent-replayed"]) == (
        201,
        first.json(),
        "true",
    )
    assert (
        len(stripe_api.requests_to("POST", "/v1/payment_intents")),
        len(stripe_api.intents_for(first.json()["id"])),
    ) == (1, 1)


async def test_a_named_customer_gets_one_stripe_customer_for_all_its_sessions(
    api: httpx.AsyncClient,
    merchant: dict[str, str],
    stripe_api: FakeStripe,
    checkout_ledger: Ledger,
) -> None:
    """The first session creates the Stripe customer; both PaymentIntents are charged to it."""
    customer = {"id": f"cust-{uuid.uuid4()}", "email": "asha@example.org", "name": "Asha"}
    body = BODY | {"customer": customer}
    first = (await api.post("/v1/sessions", json=body, headers=auth(merchant))).json()
    second = (await api.post("/v1/sessions", json=body, headers=auth(merchant))).json()
    stripe_customer = stripe_api.customer_for(customer["id"])
    assert stripe_customer is not None
    kept = await stripe_customers.find(
        checkout_ledger.sessions, merchant["merchant_id"], customer["id"]
    )
    charged = [stripe_api.intents_for(s["id"])[0]["customer"] for s in (first, second)]
    assert (kept, charged, len(stripe_api.requests_to("POST", "/v1/customers"))) == (
        stripe_customer["id"],
        [stripe_customer["id"]] * 2,
        1,
    )
    assert (stripe_customer["email"], stripe_customer["name"], stripe_customer["metadata"]) == (
        "asha@example.org",
        "Asha",
        {"paywire_merchant_id": merchant["merchant_id"], "paywire_customer_id": customer["id"]},
    )
