"""A PaymentIntent's ``status``, as a status check reads it, in paywire's event kinds.

The event is ``api_confirmed``; its id is ``status:<pi id>:<status>``, so polling the same
state again yields the same event and the ledger's inbox applies it once.
"""

from __future__ import annotations

from enum import StrEnum
from typing import assert_never

from common.events import ProviderEvent, ProviderEventKind, RawBody, VerifiedBy
from common.money import Money

from ingress.providers.stripe.schemas import PaymentIntent

__all__ = ["PaymentIntentStatus", "intent_status_event"]

Kind = ProviderEventKind


class PaymentIntentStatus(StrEnum):
    """Every status a PaymentIntent can be in."""

    REQUIRES_PAYMENT_METHOD = "requires_payment_method"
    REQUIRES_CONFIRMATION = "requires_confirmation"
    REQUIRES_ACTION = "requires_action"
    PROCESSING = "processing"
    REQUIRES_CAPTURE = "requires_capture"
    CANCELED = "canceled"
    SUCCEEDED = "succeeded"


def intent_status_event(intent: PaymentIntent, raw: RawBody) -> ProviderEvent | None:
    """The event ``intent``'s status reports, or None while nothing has happened yet.

    ``requires_payment_method`` means failed only after an attempt (``last_payment_error``
    is set); before one, the customer simply has not paid.
    """
    try:
        status = PaymentIntentStatus(intent.status or "")
    except ValueError:
        return None
    error = intent.last_payment_error
    match status:
        case PaymentIntentStatus.SUCCEEDED:
            return _event(intent, status, Kind.PAYMENT_SUCCEEDED, raw, intent.amount_received)
        case PaymentIntentStatus.PROCESSING:
            return _event(intent, status, Kind.PAYMENT_PENDING, raw)
        case PaymentIntentStatus.CANCELED:
            return _event(intent, status, Kind.PAYMENT_CANCELED, raw)
        case PaymentIntentStatus.REQUIRES_PAYMENT_METHOD if error is not None:
            reason = error.message or error.code
            return _event(intent, status, Kind.PAYMENT_FAILED, raw, failure_reason=reason)
        case (
            PaymentIntentStatus.REQUIRES_PAYMENT_METHOD
            | PaymentIntentStatus.REQUIRES_CONFIRMATION
            | PaymentIntentStatus.REQUIRES_ACTION
            | PaymentIntentStatus.REQUIRES_CAPTURE
        ):
            return None
        case _:
            assert_never(status)


def _event(
    intent: PaymentIntent,
    status: PaymentIntentStatus,
    kind: Kind,
    raw: RawBody,
    amount: int | None = None,
    failure_reason: str | None = None,
) -> ProviderEvent:
    money = Money(intent.amount if amount is None else amount, intent.currency)
    return ProviderEvent(
        provider="stripe",
        provider_event_id=f"status:{intent.id}:{status.value}",
        provider_event_type=f"payment_intent.status.{status.value}",
        kind=kind,
        verified_by=VerifiedBy.API_CONFIRMED,
        session_ref=intent.metadata.get("paywire_session_id"),
        provider_payment_ids=(intent.id,),
        amount=money.minor,
        currency=money.currency,
        failure_reason=failure_reason,
        raw=raw,
    )
