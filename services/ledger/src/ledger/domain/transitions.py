"""The payment state machine as one explicit table.

A pair missing from ``TRANSITIONS`` is not allowed: the event is late, stale or a
duplicate, is recorded on the timeline with the reason, and changes nothing. Self-loops
appear only where the event still has an effect (a further partial refund; a requested
refund that failed releases the amount it reserved).
"""

from __future__ import annotations

from common.events import PaymentStatus as S

from ledger.domain.states import Trigger as T

__all__ = ["TRANSITIONS", "IllegalTransition", "transition"]


class IllegalTransition(Exception):
    """The event does not move the session; ``reason`` says why, for the timeline."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


TRANSITIONS: dict[tuple[S, T], S] = {
    (S.CREATED, T.PENDING): S.PENDING,
    (S.CREATED, T.SUCCEEDED): S.PAID,
    (S.CREATED, T.MISMATCHED): S.REVIEW,
    (S.CREATED, T.FAILED): S.FAILED,
    (S.CREATED, T.CANCELED): S.CANCELLED,
    (S.CREATED, T.EXPIRED): S.EXPIRED,
    (S.PENDING, T.SUCCEEDED): S.PAID,
    (S.PENDING, T.MISMATCHED): S.REVIEW,
    (S.PENDING, T.FAILED): S.FAILED,
    (S.PENDING, T.CANCELED): S.CANCELLED,
    (S.PENDING, T.EXPIRED): S.EXPIRED,
    (S.FAILED, T.PENDING): S.PENDING,
    (S.FAILED, T.SUCCEEDED): S.PAID,
    (S.FAILED, T.MISMATCHED): S.REVIEW,
    (S.FAILED, T.CANCELED): S.CANCELLED,
    (S.FAILED, T.EXPIRED): S.EXPIRED,
    (S.EXPIRED, T.SUCCEEDED): S.REVIEW,
    (S.EXPIRED, T.MISMATCHED): S.REVIEW,
    (S.CANCELLED, T.SUCCEEDED): S.REVIEW,
    (S.CANCELLED, T.MISMATCHED): S.REVIEW,
    (S.REVIEW, T.ACCEPTED): S.PAID,
    (S.CREATED, T.CONFIRMED_MANUALLY): S.PAID,
    (S.PENDING, T.CONFIRMED_MANUALLY): S.PAID,
    (S.FAILED, T.CONFIRMED_MANUALLY): S.PAID,
    (S.EXPIRED, T.CONFIRMED_MANUALLY): S.PAID,
    (S.CANCELLED, T.CONFIRMED_MANUALLY): S.PAID,
    (S.REVIEW, T.CONFIRMED_MANUALLY): S.PAID,
    (S.REVIEW, T.REFUNDED_PARTIALLY): S.PARTIALLY_REFUNDED,
    (S.REVIEW, T.REFUNDED_FULLY): S.REFUNDED,
    (S.REVIEW, T.DISPUTE_OPENED): S.DISPUTED,
    (S.PAID, T.REFUNDED_PARTIALLY): S.PARTIALLY_REFUNDED,
    (S.PAID, T.REFUNDED_FULLY): S.REFUNDED,
    (S.PAID, T.DISPUTE_OPENED): S.DISPUTED,
    (S.PARTIALLY_REFUNDED, T.REFUNDED_PARTIALLY): S.PARTIALLY_REFUNDED,
    (S.PARTIALLY_REFUNDED, T.REFUNDED_FULLY): S.REFUNDED,
    (S.PARTIALLY_REFUNDED, T.DISPUTE_OPENED): S.DISPUTED,
    (S.DISPUTED, T.DISPUTE_WON): S.PAID,
    (S.DISPUTED, T.DISPUTE_LOST): S.CHARGED_BACK,
    (S.PAID, T.REFUND_FAILED): S.PAID,
    (S.PARTIALLY_REFUNDED, T.REFUND_FAILED): S.PARTIALLY_REFUNDED,
    (S.DISPUTED, T.REFUND_FAILED): S.DISPUTED,
    (S.CHARGED_BACK, T.REFUND_FAILED): S.CHARGED_BACK,
}
"""``(status, trigger) -> next status``. ``refunded`` and ``charged_back`` are final.

A success after ``expired`` or ``cancelled`` captured money on a session the merchant
closed, so it goes to ``review`` like an amount mismatch. A merchant confirming a payment
by hand decides like accepting a review: it pays a session in any unsettled status.
"""


def transition(status: S, trigger: T) -> S:
    """The next status, or ``IllegalTransition`` when the table has no such move."""
    try:
        return TRANSITIONS[(status, trigger)]
    except KeyError:
        raise IllegalTransition(f"{trigger.value} is not allowed when {status.value}") from None
