"""Refunds as the state machine sees them: recorded, requested (pending) and released.

A refund the merchant asks for is *requested*: its amount is reserved until the provider
reports it done (``RefundRecorded`` with ``requested``) or failed (``RefundReleased``).
What the provider reports is the truth, so a reported refund is matched to the request it
completes by the provider's refund id, else by amount (a webhook may arrive before the
provider's API answered with the id; a cumulative total may complete several at once).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from common.money import Money

__all__ = [
    "PendingRefund",
    "RefundRecorded",
    "RefundRefused",
    "RefundReleased",
    "completed_by",
    "released",
    "split_to_fit",
]


@dataclass(frozen=True, slots=True)
class PendingRefund:
    """A refund paywire asked the provider for, not yet reported done or failed.

    ``refund_id`` is paywire's; ``provider_refund_id`` is known once the provider answered.
    ``amount`` is in minor units of the captured currency.
    """

    refund_id: str
    amount: int
    provider_refund_id: str | None = None


@dataclass(frozen=True, slots=True)
class RefundRecorded:
    """A refund of ``amount`` (minor units of the captured currency) was recorded.

    ``requested`` when it completes the ``PendingRefund`` with the same ``refund_id``.
    """

    refund_id: str
    amount: Money
    provider_refund_id: str | None = None
    requested: bool = False


@dataclass(frozen=True, slots=True)
class RefundReleased:
    """A requested refund failed, or can no longer happen: its reservation is released."""

    refund_id: str
    amount: Money
    reason: str


class RefundRefused(Exception):
    """A refund cannot be requested; ``code`` is stable, ``reason`` is for the merchant."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def completed_by(
    pending: tuple[PendingRefund, ...], provider_refund_id: str | None, amount: int
) -> tuple[PendingRefund, ...]:
    """The requested refunds a reported refund of ``amount`` completes, with the amounts
    they completed for (the provider's amount wins over the requested one)."""
    if provider_refund_id is not None:
        for refund in pending:
            if refund.provider_refund_id == provider_refund_id:
                return (dataclasses.replace(refund, amount=amount),)
    candidates = [
        refund
        for refund in pending
        if refund.provider_refund_id is None or provider_refund_id is None
    ]
    for refund in candidates:
        if refund.amount == amount:
            return (refund,)
    if provider_refund_id is None:
        taken: list[PendingRefund] = []
        for refund in candidates:
            if sum(r.amount for r in taken) + refund.amount <= amount:
                taken.append(refund)
        if sum(r.amount for r in taken) == amount:
            return tuple(taken)
    return ()


def split_to_fit(
    pending: tuple[PendingRefund, ...], room: int
) -> tuple[tuple[PendingRefund, ...], tuple[PendingRefund, ...]]:
    """``(kept, released)``: the oldest requests that still fit in ``room``, and the rest."""
    kept: list[PendingRefund] = []
    released: list[PendingRefund] = []
    for refund in pending:
        if sum(r.amount for r in kept) + refund.amount <= room:
            kept.append(refund)
        else:
            released.append(refund)
    return tuple(kept), tuple(released)


def released(
    refunds: tuple[PendingRefund, ...], currency: str, reason: str
) -> tuple[RefundReleased, ...]:
    """``RefundReleased`` for each of ``refunds``."""
    return tuple(RefundReleased(r.refund_id, Money(r.amount, currency), reason) for r in refunds)
