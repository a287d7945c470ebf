"""The checkout session aggregate: classifies an event against a session and applies it.

``CheckoutSession.apply`` is pure: it returns an ``Outcome`` (the session after the event
and the domain events it emitted) or raises ``IllegalTransition`` with the reason the
event changes nothing. Rules beyond the table live here:

- A success must match the session's amount and currency, else it goes to ``review``;
  the money the provider reports is remembered as ``captured``.
- Only ``signature`` and ``api_confirmed`` events may capture or move money: a success
  verified by a shared secret only marks the session ``pending``, and refunds or disputes
  verified that way are ignored.
- Refunds are counted in minor units of the captured currency and never exceed the
  capture. A cumulative ``refunded_total`` (Stripe) and per-refund ``amount`` plus
  ``refund_id`` (others) are both understood; a refund seen before changes nothing.
- A refund the merchant requested stays reserved (``pending_refunds``) until the provider
  reports it done or failed; requested and recorded refunds together never exceed the
  capture, so a reported refund that leaves no room releases the newest requests.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from common.events import PaymentStatus, ProviderEvent, ProviderEventKind, VerifiedBy
from common.money import Money

from ledger.domain.refunds import (
    PendingRefund,
    RefundRecorded,
    RefundRefused,
    RefundReleased,
    completed_by,
    released,
    split_to_fit,
)
from ledger.domain.states import SETTLED, Trigger
from ledger.domain.transitions import IllegalTransition, transition

__all__ = ["CheckoutSession", "DomainEvent", "Outcome", "StatusChanged"]

_K = ProviderEventKind
_SIMPLE_TRIGGERS = {
    _K.PAYMENT_PENDING: Trigger.PENDING,
    _K.PAYMENT_FAILED: Trigger.FAILED,
    _K.PAYMENT_CANCELED: Trigger.CANCELED,
    _K.PAYMENT_EXPIRED: Trigger.EXPIRED,
}
_DISPUTE_TRIGGERS = {
    _K.DISPUTE_OPENED: Trigger.DISPUTE_OPENED,
    _K.DISPUTE_WON: Trigger.DISPUTE_WON,
    _K.DISPUTE_LOST: Trigger.DISPUTE_LOST,
}
_TRUSTED = frozenset({VerifiedBy.SIGNATURE, VerifiedBy.API_CONFIRMED})
_REFUNDABLE = frozenset({PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED})
_NO_ROOM = "the provider refunded more than this request left room for"


@dataclass(frozen=True, slots=True)
class StatusChanged:
    """The session moved from ``previous`` to ``status``."""

    previous: PaymentStatus
    status: PaymentStatus


DomainEvent = StatusChanged | RefundRecorded | RefundReleased


@dataclass(frozen=True, slots=True)
class Outcome:
    """What applying an event did: the session after it, and what happened."""

    session: CheckoutSession
    trigger: Trigger
    events: tuple[DomainEvent, ...]
    note: str | None = None


@dataclass(frozen=True, slots=True)
class CheckoutSession:
    """The part of a session the state machine needs.

    ``captured`` is what the provider reported on success (``None`` before, or when it
    reported no usable amount); ``refunded`` is in minor units of the captured currency.
    ``refund_ids`` are the recorded refunds' ids (paywire's and the provider's).
    """

    id: str
    status: PaymentStatus
    price: Money
    captured: Money | None = None
    refunded: int = 0
    refund_ids: frozenset[str] = frozenset()
    pending_refunds: tuple[PendingRefund, ...] = ()

    @property
    def refundable(self) -> int:
        """What a new refund request may still ask for, in minor units."""
        captured = self.captured.minor if self.captured else 0
        return captured - self.refunded - sum(p.amount for p in self.pending_refunds)

    def apply(self, event: ProviderEvent) -> Outcome:
        """Apply a provider event, or raise ``IllegalTransition`` saying why it changes nothing."""
        kind = event.kind
        trusted = event.verified_by in _TRUSTED
        if kind in _SIMPLE_TRIGGERS:
            return self._move(_SIMPLE_TRIGGERS[kind])
        if kind is _K.PAYMENT_SUCCEEDED:
            if not trusted:
                return self._await_confirmation(event.verified_by)
            return self._capture(event)
        if kind is _K.REFUND_SUCCEEDED and trusted:
            return self._refund(event)
        if kind is _K.REFUND_FAILED and trusted:
            if event.refund_id is None:
                raise IllegalTransition("refund failure names no refund")
            reason = event.failure_reason or "the provider reported the refund failed"
            return self.release_refund(event.refund_id, reason)
        if kind in _DISPUTE_TRIGGERS and trusted:
            return self._move(_DISPUTE_TRIGGERS[kind])
        if kind in (_K.REFUND_SUCCEEDED, _K.REFUND_FAILED, *_DISPUTE_TRIGGERS):
            raise IllegalTransition(f"{kind.value} verified only by {event.verified_by.value}")
        raise IllegalTransition(f"{kind.value} changes no status")

    def accept(self) -> Outcome:
        """The merchant accepts a session in ``review``: the captured money is theirs."""
        return self._move(Trigger.ACCEPTED)

    def confirm_manually(self) -> Outcome:
        """The merchant confirms a payment made outside paywire: the session is paid."""
        return self._move(Trigger.CONFIRMED_MANUALLY)

    def expire(self) -> Outcome:
        """The session reached its ``expires_at`` unpaid."""
        return self._move(Trigger.EXPIRED, note="the session expired unpaid")

    def reserve_refund(self, refund_id: str, amount: int | None) -> PendingRefund:
        """A refund request for ``amount`` (all that remains when None), or ``RefundRefused``."""
        if self.status not in _REFUNDABLE:
            raise RefundRefused(
                "refund_not_allowed", f"a {self.status.value} session cannot be refunded"
            )
        refundable = self.refundable
        if amount is None:
            if refundable <= 0:
                raise RefundRefused(
                    "nothing_to_refund", "everything captured is refunded or being refunded"
                )
            amount = refundable
        if amount > refundable:
            raise RefundRefused(
                "refund_exceeds_remaining", f"at most {refundable} can still be refunded"
            )
        return PendingRefund(refund_id, amount)

    def release_refund(self, refund_id: str, reason: str) -> Outcome:
        """The requested refund ``refund_id`` (paywire's or the provider's id) failed."""
        pending = next(
            (p for p in self.pending_refunds if refund_id in (p.refund_id, p.provider_refund_id)),
            None,
        )
        if pending is None:
            raise IllegalTransition(f"no requested refund {refund_id} is waiting")
        return self._move(
            Trigger.REFUND_FAILED,
            pending_refunds=tuple(p for p in self.pending_refunds if p is not pending),
            extra=released((pending,), self._currency, reason),
        )

    @property
    def _currency(self) -> str:
        return (self.captured or self.price).currency

    def _await_confirmation(self, verified_by: VerifiedBy) -> Outcome:
        note = f"success verified only by {verified_by.value}; awaiting confirmation"
        try:
            return self._move(Trigger.PENDING, note=note)
        except IllegalTransition as exc:
            raise IllegalTransition(f"{note}; {exc.reason}") from None

    def _capture(self, event: ProviderEvent) -> Outcome:
        reported = _reported_money(event)
        late = self.status in (PaymentStatus.EXPIRED, PaymentStatus.CANCELLED)
        if reported == self.price and not late:
            return self._move(Trigger.SUCCEEDED, captured=reported)
        if late:
            note = f"payment succeeded after the session was {self.status.value}"
        else:
            shown = reported.format() if reported else "no usable amount"
            note = f"provider reported {shown}, session expects {self.price.format()}"
        trigger = Trigger.SUCCEEDED if reported == self.price else Trigger.MISMATCHED
        return self._move(trigger, captured=reported, note=note)

    def _refund(self, event: ProviderEvent) -> Outcome:
        captured = self.captured
        if captured is None:
            raise IllegalTransition("refund for a session with nothing captured")
        if event.currency is not None and event.currency.upper() != captured.currency:
            raise IllegalTransition(f"refund in {event.currency}, captured in {captured.currency}")
        if event.refunded_total is not None:
            amount = event.refunded_total - self.refunded
            refund_id = event.refund_id or f"total:{event.refunded_total}"
            if refund_id in self.refund_ids:
                refund_id = f"total:{event.refunded_total}"
        elif event.amount:
            amount = event.amount
            refund_id = event.refund_id or f"event:{event.provider_event_id}"
        else:
            raise IllegalTransition("refund carries no amount")
        if amount <= 0 or refund_id in self.refund_ids:
            raise IllegalTransition("refund already recorded")
        refunded = self.refunded + amount
        if refunded > captured.minor:
            raise IllegalTransition(
                f"refunds of {refunded} would exceed the {captured.minor} captured"
            )
        recorded = self._recorded(Money(amount, captured.currency), refund_id, event.refund_id)
        done = {r.refund_id for r in recorded}
        waiting = tuple(p for p in self.pending_refunds if p.refund_id not in done)
        kept, overflow = split_to_fit(waiting, captured.minor - refunded)
        ids = done | {r.provider_refund_id for r in recorded if r.provider_refund_id}
        full = refunded == captured.minor
        return self._move(
            Trigger.REFUNDED_FULLY if full else Trigger.REFUNDED_PARTIALLY,
            refunded=refunded,
            refund_ids=self.refund_ids | ids,
            pending_refunds=kept,
            extra=recorded + released(overflow, captured.currency, _NO_ROOM),
        )

    def _recorded(
        self, money: Money, refund_id: str, provider_refund_id: str | None
    ) -> tuple[RefundRecorded, ...]:
        """The requests a reported refund completes, or the reported refund itself."""
        completed = completed_by(self.pending_refunds, provider_refund_id, money.minor)
        named = provider_refund_id if len(completed) == 1 else None
        return tuple(
            RefundRecorded(
                p.refund_id,
                Money(p.amount, money.currency),
                named or p.provider_refund_id,
                requested=True,
            )
            for p in completed
        ) or (RefundRecorded(refund_id, money, provider_refund_id),)

    def _move(
        self,
        trigger: Trigger,
        *,
        note: str | None = None,
        extra: tuple[DomainEvent, ...] = (),
        captured: Money | None = None,
        refunded: int | None = None,
        refund_ids: frozenset[str] | None = None,
        pending_refunds: tuple[PendingRefund, ...] | None = None,
    ) -> Outcome:
        status = transition(self.status, trigger)
        refunded = self.refunded if refunded is None else refunded
        if status is PaymentStatus.PAID and refunded:
            status = PaymentStatus.PARTIALLY_REFUNDED
        captured = captured or self.captured
        if captured is None and status in SETTLED:
            # Settling with no usable reported amount (accepted review): the price counts.
            captured = self.price
        after = dataclasses.replace(
            self,
            status=status,
            captured=captured,
            refunded=refunded,
            refund_ids=self.refund_ids if refund_ids is None else refund_ids,
            pending_refunds=self.pending_refunds if pending_refunds is None else pending_refunds,
        )
        changed = (StatusChanged(self.status, status),) if status != self.status else ()
        return Outcome(after, trigger, changed + extra, note)


def _reported_money(event: ProviderEvent) -> Money | None:
    if event.amount is None or event.currency is None:
        return None
    try:
        return Money(event.amount, event.currency)
    except ValueError:
        return None
