"""A Coinbase Commerce charge's timeline read as paywire events, for status checks."""

from __future__ import annotations

import pytest
from common.events import ProviderEvent, RawBody
from ingress.providers.coinbase.resources import HostedCharge
from ingress.providers.coinbase.status import charge_status_event

RAW = RawBody(content_type="application/json", text="{}")


def charge(*timeline: dict[str, str]) -> HostedCharge:
    return HostedCharge.model_validate(
        {
            "id": "0b5e0f1c",
            "code": "66BEOV2A",
            "hosted_url": "https://commerce.coinbase.com/charges/66BEOV2A",
            "metadata": {"paywire_session_id": "ses_1"},
            "pricing": {"local": {"amount": "49.00", "currency": "USD"}},
            "timeline": list(timeline),
        }
    )


def test_a_completed_charge_is_a_confirmed_success_at_its_local_price() -> None:
    """The latest status, COMPLETED, is a success for 4900 USD cents."""
    event = charge_status_event(charge({"status": "NEW"}, {"status": "COMPLETED"}), RAW)
    assert event == ProviderEvent(
        provider="coinbase",
        provider_event_id="status:0b5e0f1c:COMPLETED",
        provider_event_type="charge.status.COMPLETED",
        kind="payment_succeeded",
        verified_by="api_confirmed",
        session_ref="ses_1",
        provider_payment_ids=("0b5e0f1c", "66BEOV2A"),
        amount=4900,
        currency="USD",
        raw=RAW,
    )


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        ({"status": "PENDING"}, ("payment_pending", None)),
        ({"status": "CONFIRMED"}, ("payment_succeeded", None)),
        ({"status": "RESOLVED"}, ("payment_succeeded", None)),
        ({"status": "EXPIRED"}, ("payment_expired", None)),
        ({"status": "CANCELED"}, ("payment_canceled", None)),
        ({"status": "UNRESOLVED", "context": "UNDERPAID"}, ("payment_failed", "UNDERPAID")),
        ({"status": "FAILED"}, ("payment_failed", "FAILED")),
    ],
)
def test_timeline_statuses_map_onto_event_kinds(
    last: dict[str, str], expected: tuple[str, str | None]
) -> None:
    """Each status the timeline can end in has its kind; UNRESOLVED keeps its context."""
    event = charge_status_event(charge({"status": "NEW"}, last), RAW)
    assert event is not None
    assert (event.kind.value, event.failure_reason) == expected


@pytest.mark.parametrize("last", ["NEW", "SIGNED", "REFUNDED", "SOMETHING NEW"])
def test_a_charge_without_news_reports_nothing(last: str) -> None:
    """New, signed, refund or unknown statuses give no event; nor does an empty timeline."""
    assert charge_status_event(charge({"status": last}), RAW) is None
    assert charge_status_event(charge(), RAW) is None
