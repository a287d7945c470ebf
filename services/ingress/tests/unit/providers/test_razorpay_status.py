"""An order's payments read as paywire events, for status checks."""

from __future__ import annotations

from typing import Any

import pytest
from common.events import ProviderEvent, RawBody
from ingress.providers.razorpay.resources import PaymentState
from ingress.providers.razorpay.status import order_status_event

RAW = RawBody(content_type="application/json", text="{}")


def payment(payment_id: str, status: str, created_at: int = 1, **fields: Any) -> PaymentState:
    values = {
        "id": payment_id,
        "amount": 49900,
        "currency": "INR",
        "order_id": "order_1",
        "notes": [],
        "status": status,
        "created_at": created_at,
    }
    return PaymentState.model_validate(values | fields)


def test_a_captured_payment_is_a_confirmed_success() -> None:
    """A failed attempt followed by a captured one: the order succeeded."""
    event = order_status_event([payment("pay_1", "failed"), payment("pay_2", "captured")], RAW)
    assert event == ProviderEvent(
        provider="razorpay",
        provider_event_id="status:pay_2:payment_succeeded",
        provider_event_type="payment.status.captured",
        kind="payment_succeeded",
        verified_by="api_confirmed",
        provider_payment_ids=("pay_2", "order_1"),
        amount=49900,
        currency="INR",
        raw=RAW,
    )


@pytest.mark.parametrize(
    ("payments", "expected"),
    [
        ([payment("pay_1", "refunded")], ("payment_succeeded", "pay_1", None)),
        ([payment("pay_1", "authorized")], ("payment_pending", "pay_1", None)),
        (
            [
                payment("pay_1", "failed", 1, error_description="Payment was cancelled"),
                payment("pay_2", "failed", 2, error_code="BAD_REQUEST_ERROR"),
            ],
            ("payment_failed", "pay_2", "BAD_REQUEST_ERROR"),
        ),
    ],
)
def test_the_most_advanced_payment_speaks_for_the_order(
    payments: list[PaymentState], expected: tuple[str, str, str | None]
) -> None:
    """Refunded counts as captured; the latest failure gives the reason."""
    event = order_status_event(payments, RAW)
    assert event is not None
    assert (event.kind.value, event.provider_payment_ids[0], event.failure_reason) == expected


@pytest.mark.parametrize("payments", [[], [payment("pay_1", "created")], [payment("p", "new?")]])
def test_an_order_without_progress_reports_nothing(payments: list[PaymentState]) -> None:
    """No payments, or only created or unknown ones: no event."""
    assert order_status_event(payments, RAW) is None
