"""Providers' refund states read as outcomes, and the events a refund-status check makes."""

from datetime import UTC, datetime

import pytest
from common.events import ProviderEventKind, VerifiedBy
from ledger.gateways import RefundStatusRequest
from ledger.gateways.refund_status import RefundOutcome, refund_outcome, refund_status_event

S, F = RefundOutcome.SUCCEEDED, RefundOutcome.FAILED

ASKED = RefundStatusRequest("ses_1", "rfd_1", "re_1", 400, "USD", ("pi_1",))


@pytest.mark.parametrize(
    ("provider", "status", "outcome"),
    [
        ("stripe", "succeeded", S),
        ("stripe", "failed", F),
        ("stripe", "canceled", F),
        ("stripe", "pending", None),
        ("stripe", "requires_action", None),
        ("stripe", None, None),
        ("razorpay", "processed", S),
        ("razorpay", "failed", F),
        ("razorpay", "pending", None),
        ("phonepe", "COMPLETED", S),
        ("phonepe", "FAILED", F),
        ("phonepe", "PENDING", None),
        ("phonepe", "completed", None),
        ("payu", "success", None),
        ("coinbase", "succeeded", None),
    ],
)
def test_each_providers_refund_states(
    provider: str, status: str | None, outcome: RefundOutcome | None
) -> None:
    """Only a provider's own final states are outcomes; anything else is still pending."""
    assert refund_outcome(provider, status) is outcome


def test_a_pending_refund_makes_no_event() -> None:
    assert refund_status_event("stripe", ASKED, "pending") is None


def test_a_succeeded_refund_is_the_event_its_webhook_would_carry() -> None:
    """Named by the provider's refund id (what completes the requested refund), the
    provider's amount winning over the one asked, an id two checks share."""
    before = datetime.now(UTC)
    event = refund_status_event("stripe", ASKED, "succeeded", amount=350, currency="usd")
    assert event is not None
    assert event.occurred_at is not None
    assert event.occurred_at >= before
    assert (
        event.provider,
        event.provider_event_id,
        event.provider_event_type,
        event.kind,
        event.verified_by,
        event.session_ref,
        event.provider_payment_ids,
        event.amount,
        event.currency,
        event.refund_id,
        event.failure_reason,
    ) == (
        "stripe",
        "refund-status:re_1:succeeded",
        "refund.status.succeeded",
        ProviderEventKind.REFUND_SUCCEEDED,
        VerifiedBy.API_CONFIRMED,
        "ses_1",
        ("pi_1",),
        350,
        "usd",
        "re_1",
        None,
    )


def test_a_failed_refund_carries_a_reason() -> None:
    """The provider's reason when it gives one, else which state it reported."""
    given = refund_status_event("razorpay", ASKED, "failed", failure_reason="card closed")
    plain = refund_status_event("stripe", ASKED, "canceled")
    assert given is not None
    assert plain is not None
    assert [
        (e.kind, e.provider_event_id, e.amount, e.currency, e.failure_reason)
        for e in (given, plain)
    ] == [
        (ProviderEventKind.REFUND_FAILED, "refund-status:re_1:failed", 400, "USD", "card closed"),
        (
            ProviderEventKind.REFUND_FAILED,
            "refund-status:re_1:failed",
            400,
            "USD",
            "stripe reported the refund canceled",
        ),
    ]
