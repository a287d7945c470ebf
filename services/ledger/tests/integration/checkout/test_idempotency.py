"""An Idempotency-Key held across the provider call: duplicates wait, dead claims are
taken over, and a taken reference spares the provider."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from common.ids import new_session_id
from ledger import idempotency
from ledger.bootstrap import Ledger
from ledger.schemas import CreateSession
from ledger.tables import idempotency_keys
from sqlalchemy import insert

from tests.fakes import FakeStripe

pytestmark = pytest.mark.integration

STRIPE = {"amount": 4900, "currency": "usd", "provider": "stripe"}


def auth(merchant: dict[str, str]) -> dict[str, str]:
    return {"authorization": merchant["authorization"]}


async def test_duplicates_arriving_during_the_provider_call_replay_its_answer(
    api: httpx.AsyncClient, merchant: dict[str, str], stripe_api: FakeStripe
) -> None:
    """Five requests with one key while Stripe takes 0.3 s: one PaymentIntent, one answer."""
    stripe_api.faults.hang(0.3, match="POST /v1/payment_intents")
    headers = auth(merchant) | {"idempotency-key": f"slow-{uuid.uuid4()}"}
    responses = await asyncio.gather(
        *(api.post("/v1/sessions", json=STRIPE, headers=headers) for _ in range(5))
    )
    first = responses[0].json()
    assert [(r.status_code, r.json()) for r in responses] == [(201, first)] * 5
    assert len(stripe_api.requests_to("POST", "/v1/payment_intents")) == 1


async def test_a_claim_left_by_a_dead_request_is_taken_over_with_its_session_id(
    api: httpx.AsyncClient,
    merchant: dict[str, str],
    stripe_api: FakeStripe,
    checkout_ledger: Ledger,
) -> None:
    """A claim whose lease ran out is resumed: same session id, same Stripe key."""
    key, reserved = f"dead-{uuid.uuid4()}", new_session_id()
    digest = idempotency.request_hash(CreateSession.model_validate(STRIPE).model_dump(mode="json"))
    async with checkout_ledger.sessions.begin() as db:
        await db.execute(
            insert(idempotency_keys).values(
                merchant_id=merchant["merchant_id"],
                key=key,
                request_hash=digest,
                session_id=reserved,
                locked_until=datetime.now(UTC) - timedelta(minutes=1),
            )
        )
    response = await api.post(
        "/v1/sessions", json=STRIPE, headers=auth(merchant) | {"idempotency-key": key}
    )
    [sent] = stripe_api.requests_to("POST", "/v1/payment_intents")
    assert (response.status_code, response.json()["id"], sent.headers["idempotency-key"]) == (
        201,
        reserved,
        f"paywire:{reserved}:checkout",
    )


async def test_a_taken_reference_is_refused_before_the_provider_is_asked(
    api: httpx.AsyncClient, merchant: dict[str, str], stripe_api: FakeStripe
) -> None:
    """The second session with a reference answers 409; Stripe saw only the first."""
    body = STRIPE | {"reference": f"order-{uuid.uuid4()}"}
    await api.post("/v1/sessions", json=body, headers=auth(merchant))
    second = await api.post("/v1/sessions", json=body, headers=auth(merchant))
    assert (second.status_code, second.json()["error"]["code"]) == (409, "reference_conflict")
    assert len(stripe_api.requests_to("POST", "/v1/payment_intents")) == 1
