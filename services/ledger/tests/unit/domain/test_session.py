"""How a checkout session classifies and applies provider events."""

from typing import Any

import pytest
from common.events import PaymentStatus, ProviderEvent, ProviderEventKind, VerifiedBy
from common.money import Money
from ledger.domain import (
    CheckoutSession,
    IllegalTransition,
    Outcome,
    RefundRecorded,
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
        "verified_by": VerifiedBy.SIGNATURE,
    }
    return ProviderEvent(**(values | fields))


def session(status: S = S.CREATED, **fields: Any) -> CheckoutSession:
    return CheckoutSession(id="ses_1", status=status, price=PRICE, **fields)


PAID = session(S.PAID, captured=PRICE)


def test_a_matching_success_pays() -> None:
    """A verified success for the exact amount and currency pays the session."""
    outcome = session().apply(event(K.PAYMENT_SUCCEEDED, amount=1000, currency="usd"))
    assert outcome == Outcome(
        session(S.PAID, captured=PRICE), Trigger.SUCCEEDED, (StatusChanged(S.CREATED, S.PAID),)
    )


def test_a_success_verified_by_a_shared_secret_only_marks_pending() -> None:
    """A success verified only by a shared secret moves to pending and says why."""
    outcome = session().apply(
        event(
            K.PAYMENT_SUCCEEDED,
            amount=1000,
            currency="USD",
            verified_by=VerifiedBy.SHARED_SECRET,
        )
    )
    assert outcome == Outcome(
        session(S.PENDING),
        Trigger.PENDING,
        (StatusChanged(S.CREATED, S.PENDING),),
        "success verified only by shared_secret; awaiting confirmation",
    )


def test_an_unverified_success_keeps_pending_with_the_reason() -> None:
    """A second unverified success changes nothing and the reason names the verification."""
    unverified = event(
        K.PAYMENT_SUCCEEDED, amount=1000, currency="USD", verified_by=VerifiedBy.SHARED_SECRET
    )
    with pytest.raises(IllegalTransition) as raised:
        session(S.PENDING).apply(unverified)
    assert raised.value.reason == (
        "success verified only by shared_secret; awaiting confirmation; "
        "pending is not allowed when pending"
    )


@pytest.mark.parametrize(
    ("amount", "currency", "captured", "note"),
    [
        (999, "USD", Money(999, "USD"), "provider reported 9.99 USD, session expects 10.00 USD"),
        (1000, "EUR", Money(1000, "EUR"), "provider reported 10.00 EUR, session expects 10.00 USD"),
        (None, "USD", None, "provider reported no usable amount, session expects 10.00 USD"),
    ],
)
def test_a_mismatched_success_goes_to_review(
    amount: int | None, currency: str, captured: Money | None, note: str
) -> None:
    """A success whose amount or currency differs from the session goes to review."""
    outcome = session(S.PENDING).apply(event(K.PAYMENT_SUCCEEDED, amount=amount, currency=currency))
    assert outcome == Outcome(
        session(S.REVIEW, captured=captured),
        Trigger.MISMATCHED,
        (StatusChanged(S.PENDING, S.REVIEW),),
        note,
    )


def test_a_success_after_expiry_goes_to_review() -> None:
    """Money captured on an expired session waits for the merchant in review."""
    outcome = session(S.EXPIRED).apply(event(K.PAYMENT_SUCCEEDED, amount=1000, currency="USD"))
    assert outcome == Outcome(
        session(S.REVIEW, captured=PRICE),
        Trigger.SUCCEEDED,
        (StatusChanged(S.EXPIRED, S.REVIEW),),
        "payment succeeded after the session was expired",
    )


def test_accepting_a_review_pays_with_what_was_captured() -> None:
    """The merchant accepting a review settles the session with the captured money."""
    outcome = session(S.REVIEW, captured=Money(999, "USD")).accept()
    assert outcome.session == session(S.PAID, captured=Money(999, "USD"))


def test_accepting_a_review_without_a_reported_amount_settles_the_price() -> None:
    """With no usable reported amount, an accepted review counts the session's price."""
    assert session(S.REVIEW).accept().session == session(S.PAID, captured=PRICE)


def test_cumulative_refunds_record_the_difference() -> None:
    """A Stripe-style cumulative refunded total records only what is new."""
    first = PAID.apply(event(K.REFUND_SUCCEEDED, refunded_total=300, refund_id="re_1"))
    second = first.session.apply(event(K.REFUND_SUCCEEDED, refunded_total=1000, refund_id="re_2"))
    assert (first.events, second.events, second.session) == (
        (
            StatusChanged(S.PAID, S.PARTIALLY_REFUNDED),
            RefundRecorded("re_1", Money(300, "USD"), "re_1"),
        ),
        (
            StatusChanged(S.PARTIALLY_REFUNDED, S.REFUNDED),
            RefundRecorded("re_2", Money(700, "USD"), "re_2"),
        ),
        session(S.REFUNDED, captured=PRICE, refunded=1000, refund_ids=frozenset({"re_1", "re_2"})),
    )


def test_a_stale_cumulative_refund_changes_nothing() -> None:
    """A cumulative total at or below what is recorded is a late duplicate."""
    partly = session(S.PARTIALLY_REFUNDED, captured=PRICE, refunded=500)
    with pytest.raises(IllegalTransition, match="refund already recorded"):
        partly.apply(event(K.REFUND_SUCCEEDED, refunded_total=300))


def test_a_repeated_refund_id_changes_nothing() -> None:
    """A per-refund event whose refund id is known is not counted twice."""
    first = PAID.apply(event(K.REFUND_SUCCEEDED, amount=200, refund_id="rfnd_1"))
    with pytest.raises(IllegalTransition, match="refund already recorded"):
        first.session.apply(event(K.REFUND_SUCCEEDED, amount=200, refund_id="rfnd_1"))


def test_refunds_never_exceed_the_capture() -> None:
    """A refund beyond what was captured is refused."""
    with pytest.raises(IllegalTransition, match="would exceed the 1000 captured"):
        PAID.apply(event(K.REFUND_SUCCEEDED, amount=1001, refund_id="rfnd_1"))


def test_a_refund_in_another_currency_is_refused() -> None:
    """A refund must be in the captured currency."""
    with pytest.raises(IllegalTransition, match="refund in EUR, captured in USD"):
        PAID.apply(event(K.REFUND_SUCCEEDED, amount=100, currency="EUR", refund_id="r"))


def test_a_refund_verified_by_a_shared_secret_is_ignored() -> None:
    """Money never moves back on an event verified only by a shared secret."""
    with pytest.raises(IllegalTransition, match="refund_succeeded verified only by shared_secret"):
        PAID.apply(event(K.REFUND_SUCCEEDED, amount=100, verified_by=VerifiedBy.SHARED_SECRET))


def test_a_won_dispute_after_a_partial_refund_returns_to_partially_refunded() -> None:
    """Winning a dispute restores the session as it was, partial refund included."""
    disputed = session(S.DISPUTED, captured=PRICE, refunded=200, refund_ids=frozenset({"r"}))
    assert disputed.apply(event(K.DISPUTE_WON)).session.status == S.PARTIALLY_REFUNDED


def test_an_ignored_event_changes_nothing() -> None:
    """Ignored kinds are recorded but move nothing."""
    with pytest.raises(IllegalTransition, match="ignored changes no status"):
        PAID.apply(event(K.IGNORED))


def test_a_manual_confirmation_pays_at_the_price() -> None:
    """A merchant confirming a payment by hand pays the session with its price captured."""
    outcome = session(S.PENDING).confirm_manually()
    assert outcome == Outcome(
        session(S.PAID, captured=PRICE),
        Trigger.CONFIRMED_MANUALLY,
        (StatusChanged(S.PENDING, S.PAID),),
    )


def test_a_manual_confirmation_of_a_settled_session_is_refused() -> None:
    """A session that is already settled cannot be confirmed again."""
    with pytest.raises(IllegalTransition, match="confirmed_manually is not allowed when paid"):
        PAID.confirm_manually()


def test_expiry_moves_an_unpaid_session_to_expired() -> None:
    """An unpaid session past its expiry is expired, with a note saying so."""
    assert session(S.PENDING).expire() == Outcome(
        session(S.EXPIRED),
        Trigger.EXPIRED,
        (StatusChanged(S.PENDING, S.EXPIRED),),
        "the session expired unpaid",
    )
