"""Which event sends which email, and what the email says.

- ``fulfillment.issued`` → ``receipt``: amount, invoice number and the access link.
- ``payment.failed`` → ``payment_failed``.
- ``payment.refunded`` → ``refund``.

An event without a customer email still yields a request, with no recipient: the email
is recorded as skipped, so the decision is kept like any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from common.events import FulfillmentIssued, PaymentEvent, PaymentStatus
from common.money import Money

from notifier.events import NotifierEvent

__all__ = ["EmailKind", "EmailRequest", "email_for"]


class EmailKind(StrEnum):
    """The emails a session can get, each at most once."""

    RECEIPT = "receipt"
    PAYMENT_FAILED = "payment_failed"
    REFUND = "refund"


@dataclass(frozen=True, slots=True)
class EmailRequest:
    """One email to send: to whom (None: no address known) and the template's variables."""

    session_id: str
    kind: EmailKind
    recipient: str | None
    context: dict[str, Any]


def email_for(event: NotifierEvent) -> EmailRequest | None:
    """The email ``event`` calls for, or None."""
    match event:
        case FulfillmentIssued():
            return _request(
                event,
                EmailKind.RECEIPT,
                invoice_number=event.invoice_number,
                access_url=event.access_url,
                access_expires=event.token_expires_at.strftime("%Y-%m-%d"),
            )
        case PaymentEvent(status=PaymentStatus.FAILED):
            return _request(event, EmailKind.PAYMENT_FAILED)
        case PaymentEvent(status=PaymentStatus.REFUNDED):
            refunded = event.amount_refunded or event.amount
            return _request(
                event, EmailKind.REFUND, refunded=Money(refunded, event.currency).format()
            )
        case _:
            return None


def _request(
    event: FulfillmentIssued | PaymentEvent, kind: EmailKind, **extra: str
) -> EmailRequest:
    email, name = event.customer.get("email"), event.customer.get("name")
    context: dict[str, Any] = {
        "session_id": event.session_id,
        "merchant_name": event.merchant_name,
        "customer_name": name if isinstance(name, str) else None,
        "product": event.product,
        "amount": Money(event.amount, event.currency).format(),
        **extra,
    }
    recipient = email if isinstance(email, str) and "@" in email else None
    return EmailRequest(event.session_id, kind, recipient, context)
