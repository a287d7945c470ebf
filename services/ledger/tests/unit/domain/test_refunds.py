"""Requested refunds: reserving, completing by what the provider reports, and releasing."""

from typing import Any

import pytest
from common.events import PaymentStatus, ProviderEvent, ProviderEventKind, VerifiedBy
from common.money import Money
from ledger.domain import (
    CheckoutSession,
    IllegalTransition,
    Outcome,
    PendingRefund,
    RefundRecorded,
    RefundRefused,
    RefundReleased,
    StatusChanged,
    Trigger,
)

S = PaymentStatus
K = ProviderEventKind
PRICE = Money(1000, "USD")


def event(kind: K, **fields: Any) -> ProviderEvent:
    values: dict[str, Any] = {
        "provider": "stripe",
        "provider_event_id": "evt_1",
        "provider_event_type": "test",
        "kind": kind,
        "verified_by": VerifiedBy.API_CONFIRMED,
    }
    return ProviderEvent(**(values | fields))


def paid(*pending: PendingRefund, refunded: int = 0) -> CheckoutSession:
    status = S.PARTIALLY_REFUNDED if refunded else S.PAID
    return CheckoutSession(
        id="ses_1",
        status=status,
        price=PRICE,
        captured=PRICE,
        refunded=refunded,
        pending_refunds=pending,
    )


def test_a_request_without_an_amount_reserves_what_remains() -> None:
    """A full refund asks for the capture less what is refunded or already requested."""
    session = paid(PendingRefund("rfd_1", 300), refunded=200)
    assert session.reserve_refund("rfd_2", None) == PendingRefund("rfd_2", 500)


@pytest.mark.parametrize(
    ("session", "amount", "refusal"),
    [
        (
            CheckoutSession(id="ses_1", status=S.PENDING, price=PRICE),
            100,
            ("refund_not_allowed", "a pending session cannot be refunded"),
        ),
        (
            paid(PendingRefund("rfd_1", 600)),
            401,
            ("refund_exceeds_remaining", "at most 400 can still be refunded"),
        ),
        (
            paid(PendingRefund("rfd_1", 600), refunded=400),
            None,
            ("nothing_to_refund", "everything captured is refunded or being refunded"),
        ),
    ],
    ids=["unpaid", "too-much", "nothing-left"],
)
def test_a_request_that_cannot_be_met_is_refused(
    session: CheckoutSession, amount: int | None, refusal: tuple[str, str]
) -> None:
    """Refunds are refused before paid, beyond what remains, and when nothing remains."""
    with pytest.raises(RefundRefused) as refused:
        session.reserve_refund("rfd_2", amount)
    assert (refused.value.code, refused.value.reason) == refusal


def test_a_reported_refund_completes_the_request_with_its_provider_id() -> None:
    """A refund reported under the provider's id completes the request that got that id."""
    session = paid(PendingRefund("rfd_1", 400, "re_1"), PendingRefund("rfd_2", 400, "re_2"))
    outcome = session.apply(event(K.REFUND_SUCCEEDED, amount=400, refund_id="re_2"))
    assert outcome == Outcome(
        CheckoutSession(
            id="ses_1",
            status=S.PARTIALLY_REFUNDED,
            price=PRICE,
            captured=PRICE,
            refunded=400,
            refund_ids=frozenset({"rfd_2", "re_2"}),
            pending_refunds=(PendingRefund("rfd_1", 400, "re_1"),),
        ),
        Trigger.REFUNDED_PARTIALLY,
        (
            StatusChanged(S.PAID, S.PARTIALLY_REFUNDED),
            RefundRecorded("rfd_2", Money(400, "USD"), "re_2", requested=True),
        ),
    )


def test_a_refund_reported_before_the_provider_answered_completes_the_request() -> None:
    """A request the provider has not yet named is completed by a refund of its amount."""
    session = paid(PendingRefund("rfd_1", 1000))
    outcome = session.apply(event(K.REFUND_SUCCEEDED, amount=1000, refund_id="re_9"))
    assert (outcome.session.status, outcome.events[1:]) == (
        S.REFUNDED,
        (RefundRecorded("rfd_1", Money(1000, "USD"), "re_9", requested=True),),
    )


def test_a_cumulative_total_completes_several_requests() -> None:
    """A Stripe-style total covering two requests completes both."""
    session = paid(PendingRefund("rfd_1", 300, "re_1"), PendingRefund("rfd_2", 200, "re_2"))
    outcome = session.apply(event(K.REFUND_SUCCEEDED, refunded_total=500, currency="usd"))
    assert (outcome.session.refunded, outcome.session.pending_refunds, outcome.events[1:]) == (
        500,
        (),
        (
            RefundRecorded("rfd_1", Money(300, "USD"), "re_1", requested=True),
            RefundRecorded("rfd_2", Money(200, "USD"), "re_2", requested=True),
        ),
    )


def test_an_outside_refund_that_leaves_no_room_releases_the_newest_request() -> None:
    """A refund made outside paywire counts; requests that no longer fit are released."""
    session = paid(PendingRefund("rfd_1", 300, "re_1"), PendingRefund("rfd_2", 500, "re_2"))
    outcome = session.apply(event(K.REFUND_SUCCEEDED, amount=600, refund_id="re_x"))
    assert (outcome.session.pending_refunds, outcome.events[1:]) == (
        (PendingRefund("rfd_1", 300, "re_1"),),
        (
            RefundRecorded("re_x", Money(600, "USD"), "re_x"),
            RefundReleased(
                "rfd_2",
                Money(500, "USD"),
                "the provider refunded more than this request left room for",
            ),
        ),
    )


def test_a_failed_refund_releases_its_reservation_and_keeps_the_status() -> None:
    """A refund the provider reports failed frees its amount; the session stays paid."""
    session = paid(PendingRefund("rfd_1", 400, "re_1"))
    outcome = session.apply(event(K.REFUND_FAILED, refund_id="re_1", failure_reason="card closed"))
    assert outcome == Outcome(
        paid(),
        Trigger.REFUND_FAILED,
        (RefundReleased("rfd_1", Money(400, "USD"), "card closed"),),
    )


def test_a_failure_for_no_waiting_request_changes_nothing() -> None:
    """A refund failure that matches no requested refund is ignored with the reason."""
    with pytest.raises(IllegalTransition, match="no requested refund re_1 is waiting"):
        paid().apply(event(K.REFUND_FAILED, refund_id="re_1"))


def test_a_total_without_a_refund_id_keeps_the_requests_provider_id() -> None:
    """A Stripe-style total completing a named request keeps the id the provider gave it."""
    session = paid(PendingRefund("rfd_1", 300, "re_1"))
    outcome = session.apply(event(K.REFUND_SUCCEEDED, refunded_total=300, currency="USD"))
    assert outcome.events[1:] == (
        RefundRecorded("rfd_1", Money(300, "USD"), "re_1", requested=True),
    )
