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
    RefundStatusRequest,
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


async def refunded(gateway: Gateway, stripe_api: FakeStripe, status: str) -> RefundStatusRequest:
    """A Stripe refund of 1500 in ``status`` and what to ask about it."""
    session_id = new_session_id()
    intent_id = await paid_intent(gateway, session_id)
    stripe_api.set_intent_status(intent_id, "succeeded")
    key = f"paywire:{session_id}:refund:ref_1"
    request = RefundRequest(session_id, "ref_1", 1500, "USD", (intent_id,), idempotency_key=key)
    result = await gateway.refund(request)
    stripe_api.set_refund_status(result.provider_refund_id, status)
    return RefundStatusRequest(
        session_id, "ref_1", result.provider_refund_id, 1500, "USD", (intent_id,)
    )


async def test_a_pending_stripe_refund_reports_nothing(
    gateways: dict[str, Gateway], stripe_api: FakeStripe
) -> None:
    """``pending`` (or ``requires_action``) is not an outcome yet: None."""
    for status in ("pending", "requires_action"):
        asked = await refunded(gateways["stripe"], stripe_api, status)
        assert await gateways["stripe"].fetch_refund(asked) is None


async def test_a_succeeded_stripe_refund_is_a_confirmed_refund(
    gateways: dict[str, Gateway], stripe_api: FakeStripe
) -> None:
    """``GET /v1/refunds/{id}`` says ``succeeded``: a refund of Stripe's amount, named by
    Stripe's refund id, under an id that two checks share."""
    asked = await refunded(gateways["stripe"], stripe_api, "succeeded")
    event = await gateways["stripe"].fetch_refund(asked)
    assert event is not None
    assert event.model_copy(update={"occurred_at": None}) == ProviderEvent(
        provider="stripe",
        provider_event_id=f"refund-status:{asked.provider_refund_id}:succeeded",
        provider_event_type="refund.status.succeeded",
        kind="refund_succeeded",
        verified_by="api_confirmed",
        session_ref=asked.session_id,
        provider_payment_ids=asked.provider_payment_ids,
        amount=1500,
        currency="usd",
        refund_id=asked.provider_refund_id,
    )
    assert stripe_api.requests_to("GET", f"/v1/refunds/{asked.provider_refund_id}")


async def test_a_failed_or_canceled_stripe_refund_is_a_confirmed_failure(
    gateways: dict[str, Gateway], stripe_api: FakeStripe
) -> None:
    """``failed`` carries Stripe's ``failure_reason``; ``canceled`` says it was canceled."""
    failed = await refunded(gateways["stripe"], stripe_api, "failed")
    stripe_api.set_refund_status(
        failed.provider_refund_id, "failed", failure_reason="lost_or_stolen_card"
    )
    canceled = await refunded(gateways["stripe"], stripe_api, "canceled")
    events = [await gateways["stripe"].fetch_refund(asked) for asked in (failed, canceled)]
    assert [(e.kind, e.refund_id, e.failure_reason) for e in events if e is not None] == [
        ("refund_failed", failed.provider_refund_id, "lost_or_stolen_card"),
        ("refund_failed", canceled.provider_refund_id, "stripe reported the refund canceled"),
    ]


async def test_an_unknown_stripe_refund_is_stripes_refusal(gateways: dict[str, Gateway]) -> None:
    """Stripe's 404 for a refund id it does not know: a ``GatewayError``, not an outage."""
    asked = RefundStatusRequest(new_session_id(), "ref_1", "re_missing", 100, "USD")
    with pytest.raises(GatewayError) as raised:
        await gateways["stripe"].fetch_refund(asked)
    assert not isinstance(raised.value, GatewayUnavailable)
    assert raised.value.code == "resource_missing"
