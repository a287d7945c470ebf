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
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from common.events import PaymentStatus, ProviderEvent, ProviderEventKind, VerifiedBy
from common.money import Money

from ledger.domain.states import SETTLED, Trigger
from ledger.domain.transitions import IllegalTransition, transition

__all__ = ["CheckoutSession", "DomainEvent", "Outcome", "RefundRecorded", "StatusChanged"]

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


@dataclass(frozen=True, slots=True)
class StatusChanged:
    """The session moved from ``previous`` to ``status``."""

    previous: PaymentStatus
    status: PaymentStatus


@dataclass(frozen=True, slots=True)
class RefundRecorded:
    """A refund of ``amount`` (minor units of the captured currency) was recorded."""

    refund_id: str
    amount: Money


DomainEvent = StatusChanged | RefundRecorded


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
    """

    id: str
    status: PaymentStatus
    price: Money
    captured: Money | None = None
    refunded: int = 0
    refund_ids: frozenset[str] = frozenset()

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
        if kind in _DISPUTE_TRIGGERS and trusted:
            return self._move(_DISPUTE_TRIGGERS[kind])
        if kind in (_K.REFUND_SUCCEEDED, *_DISPUTE_TRIGGERS):
            raise IllegalTransition(f"{kind.value} verified only by {event.verified_by.value}")
        raise IllegalTransition(f"{kind.value} changes no status")

    def accept(self) -> Outcome:
        """The merchant accepts a session in ``review``: the captured money is theirs."""
        return self._move(Trigger.ACCEPTED)

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
        full = refunded == captured.minor
        refund = RefundRecorded(refund_id, Money(amount, captured.currency))
        return self._move(
            Trigger.REFUNDED_FULLY if full else Trigger.REFUNDED_PARTIALLY,
            refunded=refunded,
            refund_ids=self.refund_ids | {refund_id},
            extra=(refund,),
        )

    def _move(
        self,
        trigger: Trigger,
        *,
        note: str | None = None,
        extra: tuple[DomainEvent, ...] = (),
        captured: Money | None = None,
        refunded: int | None = None,
        refund_ids: frozenset[str] | None = None,
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
