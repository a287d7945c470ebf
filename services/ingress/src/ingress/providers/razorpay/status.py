"""An order's payments, as a status check reads them, in paywire's event kinds.

The order's most advanced payment speaks for it: captured (or since refunded) before
authorized before failed; payments only ``created`` mean nothing has happened yet. The event
is ``api_confirmed``, its id ``status:<payment id>:<kind>``, so polling an unchanged order
again yields the same event and the ledger's inbox applies it once.
"""

from __future__ import annotations

from enum import StrEnum
from typing import assert_never

from common.events import ProviderEvent, ProviderEventKind, RawBody, VerifiedBy
from common.money import Money

from ingress.providers.razorpay.resources import PaymentState

__all__ = ["PaymentStatus", "order_status_event"]

Kind = ProviderEventKind


class PaymentStatus(StrEnum):
    """Every status a Razorpay payment can be in."""

    CREATED = "created"
    AUTHORIZED = "authorized"
    CAPTURED = "captured"
    REFUNDED = "refunded"
    FAILED = "failed"


_RANK = {
    PaymentStatus.CAPTURED: 3,
    PaymentStatus.REFUNDED: 3,
    PaymentStatus.AUTHORIZED: 2,
    PaymentStatus.FAILED: 1,
    PaymentStatus.CREATED: 0,
}


def order_status_event(payments: list[PaymentState], raw: RawBody) -> ProviderEvent | None:
    """The event an order's ``payments`` report, or None while none got anywhere."""
    known = [(PaymentStatus(p.status), p) for p in payments if p.status in _RANK]
    if not known:
        return None
    status, payment = max(known, key=lambda pair: (_RANK[pair[0]], pair[1].created_at))
    match status:
        case PaymentStatus.CAPTURED | PaymentStatus.REFUNDED:
            return _event(payment, Kind.PAYMENT_SUCCEEDED, raw)
        case PaymentStatus.AUTHORIZED:
            return _event(payment, Kind.PAYMENT_PENDING, raw)
        case PaymentStatus.FAILED:
            reason = payment.error_description or payment.error_code
            return _event(payment, Kind.PAYMENT_FAILED, raw, reason)
        case PaymentStatus.CREATED:
            return None
        case _:
            assert_never(status)


def _event(
    payment: PaymentState, kind: Kind, raw: RawBody, failure_reason: str | None = None
) -> ProviderEvent:
    money = Money(payment.amount, payment.currency)
    session = payment.notes.get("paywire_session_id")
    return ProviderEvent(
        provider="razorpay",
        provider_event_id=f"status:{payment.id}:{kind.value}",
        provider_event_type=f"payment.status.{payment.status}",
        kind=kind,
        verified_by=VerifiedBy.API_CONFIRMED,
        session_ref=session if isinstance(session, str) and session else None,
        provider_payment_ids=tuple(filter(None, (payment.id, payment.order_id))),
        amount=money.minor,
        currency=money.currency,
        failure_reason=failure_reason,
        raw=raw,
    )
