"""The vocabulary of the payment state machine: statuses grouped by meaning, and triggers.

A ``Trigger`` is what an event means for one session once it has been classified against
that session (a success whose amount does not match is ``MISMATCHED``; a refund that
reaches the captured amount is ``REFUNDED_FULLY``). The transition table is keyed on
``(PaymentStatus, Trigger)``.
"""

from __future__ import annotations

from enum import StrEnum

from common.events import PaymentStatus

__all__ = ["SETTLED", "Trigger"]


class Trigger(StrEnum):
    """A classified event: the column of the transition table."""

    PENDING = "pending"
    SUCCEEDED = "succeeded"
    MISMATCHED = "mismatched"
    FAILED = "failed"
    CANCELED = "canceled"
    EXPIRED = "expired"
    REFUNDED_PARTIALLY = "refunded_partially"
    REFUNDED_FULLY = "refunded_fully"
    DISPUTE_OPENED = "dispute_opened"
    DISPUTE_WON = "dispute_won"
    DISPUTE_LOST = "dispute_lost"
    ACCEPTED = "accepted"
    CONFIRMED_MANUALLY = "confirmed_manually"
    REFUND_FAILED = "refund_failed"


SETTLED: frozenset[PaymentStatus] = frozenset(
    {
        PaymentStatus.PAID,
        PaymentStatus.PARTIALLY_REFUNDED,
        PaymentStatus.REFUNDED,
        PaymentStatus.DISPUTED,
        PaymentStatus.CHARGED_BACK,
    }
)
"""Statuses in which the capture belongs to the merchant and is in the journal.

Once a session is settled it never leaves this set: ``paid`` never goes back.
"""
