"""Building the ``PaymentEvent`` CloudEvents the ledger publishes through its outbox."""

from __future__ import annotations

from datetime import datetime

from common.events import CloudEvent, PaymentEvent
from common.ids import event_id_for

from ledger.domain import CheckoutSession
from ledger.store import SessionRecord

__all__ = ["SOURCE", "payment_cloud_event"]

SOURCE = "paywire/ledger"


def payment_cloud_event(
    record: SessionRecord,
    after: CheckoutSession,
    occurred_at: datetime,
    cause_id: str,
    correlation_id: str | None,
) -> CloudEvent:
    """The event announcing that ``record``'s session is now ``after``.

    Its id derives from the causing event's id and the new state, so handling the same
    cause again enqueues the same event, which the outbox keeps once.
    """
    row = record.row
    payment = PaymentEvent(
        session_id=row.id,
        merchant_id=row.merchant_id,
        merchant_name=record.merchant_name,
        status=after.status,
        previous_status=record.checkout.status,
        amount=row.amount,
        currency=row.currency,
        amount_refunded=after.refunded,
        provider=row.provider,
        customer=row.customer,
        product=row.product,
        description=row.description,
        reference=row.reference,
        metadata=row.metadata,
        occurred_at=occurred_at,
    )
    return CloudEvent(
        id=event_id_for("ledger", f"{cause_id}:{after.status.value}:{after.refunded}"),
        source=SOURCE,
        type=f"paywire.payment.{after.status.value}",
        subject=row.id,
        correlationid=correlation_id,
        data=payment.model_dump(mode="json"),
    )
