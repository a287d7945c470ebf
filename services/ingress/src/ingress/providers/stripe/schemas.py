"""Stripe's payload models (API version 2024-06-20 and later) and the event types paywire reads.

Only the fields paywire uses are declared; Stripe adds fields freely, so extras are ignored.
Amounts are integers in minor units, as Stripe sends them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt

__all__ = [
    "Charge",
    "CheckoutSession",
    "LastPaymentError",
    "PaymentIntent",
    "StripeEvent",
    "StripeEventType",
]

MinorUnits = Annotated[StrictInt, Field(ge=0)]
UnixSeconds = Annotated[StrictInt, Field(ge=0, le=253_402_300_799)]  # up to year 9999


class StripeEventType(StrEnum):
    """The Stripe event types paywire acts on; every other type is ignored."""

    PAYMENT_INTENT_SUCCEEDED = "payment_intent.succeeded"
    PAYMENT_INTENT_PROCESSING = "payment_intent.processing"
    PAYMENT_INTENT_PAYMENT_FAILED = "payment_intent.payment_failed"
    PAYMENT_INTENT_CANCELED = "payment_intent.canceled"
    CHARGE_REFUNDED = "charge.refunded"
    CHECKOUT_SESSION_COMPLETED = "checkout.session.completed"
    CHECKOUT_SESSION_ASYNC_PAYMENT_SUCCEEDED = "checkout.session.async_payment_succeeded"
    CHECKOUT_SESSION_ASYNC_PAYMENT_FAILED = "checkout.session.async_payment_failed"
    CHECKOUT_SESSION_EXPIRED = "checkout.session.expired"


class StripeModel(BaseModel):
    """Immutable, tolerant of fields paywire does not read."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class EventData(StripeModel):
    """``data`` of an event: the object it is about."""

    object: dict[str, Any]


class StripeEvent(StripeModel):
    """A Stripe ``event`` object."""

    id: str = Field(min_length=1)
    type: str
    created: UnixSeconds
    data: EventData


class LastPaymentError(StripeModel):
    """Why the latest payment attempt of a PaymentIntent failed."""

    code: str | None = None
    message: str | None = None


class PaymentIntent(StripeModel):
    """A ``payment_intent`` object; ``client_secret`` and ``status`` as the API returns them."""

    id: str = Field(min_length=1)
    amount: MinorUnits
    amount_received: MinorUnits = 0
    currency: str
    metadata: dict[str, str] = {}
    last_payment_error: LastPaymentError | None = None
    status: str | None = None
    client_secret: str | None = None
    customer: str | None = None


class Charge(StripeModel):
    """A ``charge`` object; ``amount_refunded`` is cumulative."""

    id: str = Field(min_length=1)
    amount_refunded: MinorUnits
    currency: str
    payment_intent: str | None = None
    metadata: dict[str, str] = {}


class CheckoutSession(StripeModel):
    """A ``checkout.session`` object."""

    id: str = Field(min_length=1)
    amount_total: MinorUnits | None = None
    currency: str | None = None
    client_reference_id: str | None = None
    payment_intent: str | None = None
    payment_status: str
    metadata: dict[str, str] | None = None
