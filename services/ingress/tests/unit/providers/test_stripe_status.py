"""A PaymentIntent's status read as paywire events, for status checks."""

from __future__ import annotations

from typing import Any

import pytest
from common.events import ProviderEvent, RawBody
from ingress.providers.stripe.schemas import PaymentIntent
from ingress.providers.stripe.status import intent_status_event

RAW = RawBody(content_type="application/json", text="{}")
DECLINED = {"code": "card_declined", "message": "Your card was declined."}


def intent(status: str, **fields: Any) -> PaymentIntent:
    values = {
        "id": "pi_1",
        "amount": 4900,
        "amount_received": 0,
        "currency": "usd",
        "metadata": {"paywire_session_id": "ses_1"},
        "status": status,
    }
    return PaymentIntent.model_validate(values | fields)


def test_a_succeeded_intent_is_a_confirmed_success_for_the_amount_received() -> None:
    """``succeeded`` is an api_confirmed success with a deterministic event id."""
    event = intent_status_event(intent("succeeded", amount_received=4900), RAW)
    assert event == ProviderEvent(
        provider="stripe",
        provider_event_id="status:pi_1:succeeded",
        provider_event_type="payment_intent.status.succeeded",
        kind="payment_succeeded",
        verified_by="api_confirmed",
        session_ref="ses_1",
        provider_payment_ids=("pi_1",),
        amount=4900,
        currency="USD",
        raw=RAW,
    )


@pytest.mark.parametrize(
    ("status", "fields", "expected"),
    [
        ("processing", {}, ("payment_pending", "status:pi_1:processing", None)),
        ("canceled", {}, ("payment_canceled", "status:pi_1:canceled", None)),
        (
            "requires_payment_method",
            {"last_payment_error": DECLINED},
            ("payment_failed", "status:pi_1:requires_payment_method", "Your card was declined."),
        ),
    ],
)
def test_statuses_map_onto_event_kinds(
    status: str, fields: dict[str, Any], expected: tuple[str, str, str | None]
) -> None:
    """Processing is pending, canceled is canceled, a declined attempt is a failure."""
    event = intent_status_event(intent(status, **fields), RAW)
    assert event is not None
    assert (event.kind.value, event.provider_event_id, event.failure_reason) == expected


@pytest.mark.parametrize(
    "status",
    [
        "requires_payment_method",
        "requires_confirmation",
        "requires_action",
        "requires_capture",
        "unheard_of",
    ],
)
def test_an_intent_nobody_has_paid_yet_reports_nothing(status: str) -> None:
    """Before any attempt (or in an unknown status) there is no event."""
    assert intent_status_event(intent(status), RAW) is None


def test_polling_the_same_state_twice_gives_the_same_event() -> None:
    """Equal states give equal events, so the ledger's inbox applies one."""
    first = intent_status_event(intent("processing"), RAW)
    second = intent_status_event(intent("processing"), RAW)
    assert first == second
