"""The Stripe gateway against the fake: status checks and refunds."""

import json
import uuid
from collections.abc import Callable

import pytest
from common.events import ProviderEvent
from common.ids import new_session_id
from ledger.gateways import (
    CheckoutRequest,
    Gateway,
    GatewayError,
    GatewayUnavailable,
    RefundRequest,
    RefundResult,
    StatusRequest,
)

from tests.fakes import FakeStripe

pytestmark = pytest.mark.integration

GatewaysFor = Callable[..., dict[str, Gateway]]


async def paid_intent(gateway: Gateway, session_id: str) -> str:
    checkout = await gateway.create_checkout(
        CheckoutRequest(session_id, "mer_1", amount=4900, currency="USD", customer={})
    )
    return checkout.provider_payment_ids[0]


def status_of(session_id: str, *payment_ids: str) -> StatusRequest:
    return StatusRequest(session_id, 4900, "USD", payment_ids)


async def test_a_succeeded_intent_is_reported_as_a_confirmed_success(
    gateways: dict[str, Gateway], stripe_api: FakeStripe
) -> None:
    """Stripe says succeeded (whatever the webhooks said): an api_confirmed success."""
    session_id = new_session_id()
    intent_id = await paid_intent(gateways["stripe"], session_id)
    stripe_api.set_intent_status(intent_id, "succeeded")
    event = await gateways["stripe"].fetch_status(status_of(session_id, "cs_x", intent_id))
    assert event is not None
    assert json.loads(event.raw.text if event.raw else "") == stripe_api.intents[intent_id]
    assert event.model_copy(update={"raw": None}) == ProviderEvent(
        provider="stripe",
        provider_event_id=f"status:{intent_id}:succeeded",
        provider_event_type="payment_intent.status.succeeded",
        kind="payment_succeeded",
        verified_by="api_confirmed",
        session_ref=session_id,
        provider_payment_ids=(intent_id,),
        amount=4900,
        currency="USD",
    )


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        ("processing", "payment_pending"),
        ("canceled", "payment_canceled"),
        ("requires_payment_method", "payment_failed"),
        (None, None),
    ],
)
async def test_each_status_is_read_with_the_webhooks_vocabulary(
    gateways: dict[str, Gateway], stripe_api: FakeStripe, status: str | None, kind: str | None
) -> None:
    """Processing, canceled and a declined attempt map to kinds; an untouched intent to None."""
    session_id = new_session_id()
    intent_id = await paid_intent(gateways["stripe"], session_id)
    if status is not None:
        stripe_api.set_intent_status(intent_id, status)
    event = await gateways["stripe"].fetch_status(status_of(session_id, intent_id))
    assert (event.kind.value if event else None) == kind


async def test_a_status_check_is_retried_through_stripe_errors(
    gateways: dict[str, Gateway], stripe_api: FakeStripe
) -> None:
    """Two 500s on the GET, then the answer."""
    session_id = new_session_id()
    intent_id = await paid_intent(gateways["stripe"], session_id)
    stripe_api.set_intent_status(intent_id, "processing")
    stripe_api.faults.fail(500, times=2, match="GET")
    event = await gateways["stripe"].fetch_status(status_of(session_id, intent_id))
    assert (event.provider_event_id if event else None) == f"status:{intent_id}:processing"


async def test_an_unknown_payment_intent_is_stripes_refusal(gateways: dict[str, Gateway]) -> None:
    """A 404 is a ``GatewayError`` with ``resource_missing``, not "unavailable"."""
    with pytest.raises(GatewayError) as raised:
        await gateways["stripe"].fetch_status(status_of(new_session_id(), "pi_missing"))
    assert (type(raised.value), raised.value.code) == (GatewayError, "resource_missing")


async def test_a_refund_is_created_once_under_its_idempotency_key(
    gateways: dict[str, Gateway], stripe_api: FakeStripe
) -> None:
    """The same refund asked twice is one Stripe refund, completed."""
    session_id = new_session_id()
    intent_id = await paid_intent(gateways["stripe"], session_id)
    stripe_api.set_intent_status(intent_id, "succeeded")
    key = f"paywire:{session_id}:refund:ref_1"
    request = RefundRequest(session_id, "ref_1", 1500, "USD", (intent_id,), idempotency_key=key)
    first = await gateways["stripe"].refund(request)
    second = await gateways["stripe"].refund(request)
    [sent, _] = stripe_api.requests_to("POST", "/v1/refunds")
    [refund] = [r for r in stripe_api.refunds.values() if r["payment_intent"] == intent_id]
    raw = {
        "id": refund["id"],
        "amount": 1500,
        "currency": "usd",
        "payment_intent": intent_id,
        "status": "succeeded",
    }
    assert first == second == RefundResult(refund["id"], completed=True, raw=raw)
    assert (sent.headers["idempotency-key"], sent.body) == (
        key,
        {
            "payment_intent": intent_id,
            "amount": "1500",
            "metadata[paywire_session_id]": session_id,
            "metadata[paywire_refund_id]": "ref_1",
        },
    )


async def test_a_refund_without_a_payment_intent_is_refused(gateways: dict[str, Gateway]) -> None:
    """No ``pi_`` id recorded: ``no_payment``, and Stripe is not asked."""
    request = RefundRequest(new_session_id(), "ref_1", 100, "USD", ("cs_only",))
    with pytest.raises(GatewayError) as raised:
        await gateways["stripe"].refund(request)
    assert raised.value.code == "no_payment"


async def test_a_wrong_secret_key_is_a_refusal_not_an_outage(gateways_for: GatewaysFor) -> None:
    """Stripe's 401 is ``provider_authentication_failed``, never retried as unavailable."""
    wrong = gateways_for(stripe={"api_key": f"sk_test_wrong_{uuid.uuid4().hex}"})
    with pytest.raises(GatewayError) as raised:
        await wrong["stripe"].fetch_status(status_of(new_session_id(), "pi_x"))
    assert (isinstance(raised.value, GatewayUnavailable), raised.value.code) == (
        False,
        "provider_authentication_failed",
    )
