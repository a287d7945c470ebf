"""The Razorpay gateway against the fake: an order's payments and refunds."""

import uuid
from collections.abc import Callable

import pytest
from common.events import ProviderEvent
from common.ids import new_session_id
from ingress.providers.razorpay.client import refund_idempotency_key
from ledger.gateways import (
    CheckoutRequest,
    Gateway,
    GatewayError,
    RefundRequest,
    RefundResult,
    RefundStatusRequest,
    StatusRequest,
)

from tests.fakes import FakeRazorpay

pytestmark = pytest.mark.integration


async def ordered(gateway: Gateway, session_id: str) -> str:
    checkout = await gateway.create_checkout(
        CheckoutRequest(session_id, "mer_1", amount=49900, currency="INR", customer={})
    )
    return checkout.provider_payment_ids[0]


def status_of(session_id: str, *payment_ids: str) -> StatusRequest:
    return StatusRequest(session_id, 49900, "INR", payment_ids)


async def test_an_order_nobody_paid_reports_nothing(gateways: dict[str, Gateway]) -> None:
    """No payment attempts yet: None."""
    session_id = new_session_id()
    order_id = await ordered(gateways["razorpay"], session_id)
    assert await gateways["razorpay"].fetch_status(status_of(session_id, order_id)) is None


async def test_a_captured_payment_is_a_confirmed_success(
    gateways: dict[str, Gateway], razorpay_api: FakeRazorpay
) -> None:
    """After a failed attempt, a captured one: the order's status is that success."""
    session_id = new_session_id()
    order_id = await ordered(gateways["razorpay"], session_id)
    razorpay_api.pay(order_id, status="failed", error_code="BAD_REQUEST_ERROR")
    payment_id = razorpay_api.pay(order_id)
    event = await gateways["razorpay"].fetch_status(status_of(session_id, order_id))
    assert event is not None
    assert event.model_copy(update={"raw": None}) == ProviderEvent(
        provider="razorpay",
        provider_event_id=f"status:{payment_id}:payment_succeeded",
        provider_event_type="payment.status.captured",
        kind="payment_succeeded",
        verified_by="api_confirmed",
        session_ref=session_id,
        provider_payment_ids=(payment_id, order_id),
        amount=49900,
        currency="INR",
    )


async def test_a_failed_payment_is_a_failure_with_its_reason(
    gateways: dict[str, Gateway], razorpay_api: FakeRazorpay
) -> None:
    """Only a failed attempt: a failure carrying Razorpay's description."""
    session_id = new_session_id()
    order_id = await ordered(gateways["razorpay"], session_id)
    razorpay_api.pay(order_id, status="failed", error_description="Payment was cancelled")
    event = await gateways["razorpay"].fetch_status(status_of(session_id, order_id))
    assert (
        (event.kind.value, event.failure_reason)
        if event
        else None
        == (
            "payment_failed",
            "Payment was cancelled",
        )
    )


async def test_a_refund_finds_the_captured_payment_and_is_idempotent(
    gateways: dict[str, Gateway], razorpay_api: FakeRazorpay
) -> None:
    """With only the order recorded, the captured payment is refunded, once, under a
    Razorpay-acceptable idempotency key."""
    session_id = new_session_id()
    order_id = await ordered(gateways["razorpay"], session_id)
    payment_id = razorpay_api.pay(order_id)
    key = f"paywire:{session_id}:refund:ref_1"
    request = RefundRequest(session_id, "ref_1", 10000, "INR", (order_id,), idempotency_key=key)
    first = await gateways["razorpay"].refund(request)
    second = await gateways["razorpay"].refund(request)
    [refund] = [r for r in razorpay_api.refunds.values() if r["payment_id"] == payment_id]
    raw = {
        "id": refund["id"],
        "amount": 10000,
        "currency": "INR",
        "payment_id": payment_id,
        "notes": {"paywire_session_id": session_id, "paywire_refund_id": "ref_1"},
        "status": "processed",
    }
    sent = razorpay_api.requests_to("POST", f"/v1/payments/{payment_id}/refund")
    assert first == second == RefundResult(refund["id"], completed=True, raw=raw)
    assert [r.headers["x-refund-idempotency"] for r in sent] == [refund_idempotency_key(key)] * 2


async def test_a_refund_without_a_captured_payment_is_refused(
    gateways: dict[str, Gateway], razorpay_api: FakeRazorpay
) -> None:
    """The order's only payment failed: ``no_payment``."""
    session_id = new_session_id()
    order_id = await ordered(gateways["razorpay"], session_id)
    razorpay_api.pay(order_id, status="failed")
    with pytest.raises(GatewayError) as raised:
        await gateways["razorpay"].refund(RefundRequest(session_id, "r", 100, "INR", (order_id,)))
    assert raised.value.code == "no_payment"


async def test_a_wrong_key_secret_is_a_refusal(
    gateways_for: Callable[..., dict[str, Gateway]],
) -> None:
    """Razorpay's 401 is ``provider_authentication_failed``."""
    wrong = gateways_for(razorpay={"key_secret": f"wrong-{uuid.uuid4()}"})
    with pytest.raises(GatewayError) as raised:
        await wrong["razorpay"].fetch_status(status_of(new_session_id(), "order_x"))
    assert raised.value.code == "provider_authentication_failed"


async def refunded(
    gateway: Gateway, razorpay_api: FakeRazorpay, monkeypatch: pytest.MonkeyPatch
) -> RefundStatusRequest:
    """A pending Razorpay refund of 10000 and what to ask about it."""
    monkeypatch.setattr(razorpay_api, "refund_status", "pending")
    session_id = new_session_id()
    order_id = await ordered(gateway, session_id)
    razorpay_api.pay(order_id)
    request = RefundRequest(session_id, "ref_1", 10000, "INR", (order_id,))
    result = await gateway.refund(request)
    assert not result.completed
    return RefundStatusRequest(
        session_id, "ref_1", result.provider_refund_id, 10000, "INR", (order_id,)
    )


async def test_a_razorpay_refund_is_read_pending_then_processed(
    gateways: dict[str, Gateway], razorpay_api: FakeRazorpay, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``pending``: None; ``processed``: a confirmed refund named by Razorpay's id."""
    asked = await refunded(gateways["razorpay"], razorpay_api, monkeypatch)
    pending = await gateways["razorpay"].fetch_refund(asked)
    razorpay_api.set_refund_status(asked.provider_refund_id, "processed")
    processed = await gateways["razorpay"].fetch_refund(asked)
    assert pending is None
    assert processed is not None
    assert processed.model_copy(update={"occurred_at": None}) == ProviderEvent(
        provider="razorpay",
        provider_event_id=f"refund-status:{asked.provider_refund_id}:succeeded",
        provider_event_type="refund.status.processed",
        kind="refund_succeeded",
        verified_by="api_confirmed",
        session_ref=asked.session_id,
        provider_payment_ids=asked.provider_payment_ids,
        amount=10000,
        currency="INR",
        refund_id=asked.provider_refund_id,
    )
    assert len(razorpay_api.requests_to("GET", f"/v1/refunds/{asked.provider_refund_id}")) == 2


async def test_a_failed_razorpay_refund_is_a_confirmed_failure(
    gateways: dict[str, Gateway], razorpay_api: FakeRazorpay, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``failed``: a ``refund_failed`` event naming Razorpay's refund."""
    asked = await refunded(gateways["razorpay"], razorpay_api, monkeypatch)
    razorpay_api.set_refund_status(asked.provider_refund_id, "failed")
    event = await gateways["razorpay"].fetch_refund(asked)
    assert event is not None
    assert (event.kind, event.provider_event_id, event.refund_id, event.failure_reason) == (
        "refund_failed",
        f"refund-status:{asked.provider_refund_id}:failed",
        asked.provider_refund_id,
        "razorpay reported the refund failed",
    )
