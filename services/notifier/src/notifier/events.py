"""Reading the payment and fulfillment events the notifier acts on.

The CloudEvent ``type`` names the event as its routing key does, with or without the
``paywire.`` prefix: ``paywire.payment.paid``, ``paywire.fulfillment.issued``.
"""

from __future__ import annotations

from common.events import CloudEvent, FulfillmentIssued, FulfillmentRevoked, PaymentEvent
from pydantic import ValidationError

__all__ = ["MalformedEvent", "NotifierEvent", "parse_event"]

NotifierEvent = PaymentEvent | FulfillmentIssued | FulfillmentRevoked


class MalformedEvent(ValueError):
    """An event of a kind the notifier knows whose data does not match its schema."""


def parse_event(event: CloudEvent) -> NotifierEvent | None:
    """The typed event, or None for a kind the notifier does not act on."""
    name = event.type.removeprefix("paywire.")
    model: type[NotifierEvent]
    if name.startswith("payment."):
        model = PaymentEvent
    elif name == "fulfillment.issued":
        model = FulfillmentIssued
    elif name == "fulfillment.revoked":
        model = FulfillmentRevoked
    else:
        return None
    try:
        return model.model_validate(event.data)
    except ValidationError as exc:
        raise MalformedEvent(f"{event.type}: {exc.error_count()} invalid fields") from exc
