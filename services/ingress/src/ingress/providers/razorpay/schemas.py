"""Razorpay's webhook payload models and the event types paywire reads.

Only the fields paywire uses are declared; extras are ignored. Amounts are integers in the
currency's smallest unit (paise for INR). ``notes`` is an object, or ``[]`` when empty:
Razorpay serializes an empty notes map as a JSON array.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictInt

__all__ = [
    "Order",
    "OrderPaidPayload",
    "Payment",
    "PaymentPayload",
    "RazorpayEvent",
    "RazorpayEventType",
    "Refund",
    "RefundPayload",
]

MinorUnits = Annotated[StrictInt, Field(ge=0)]
UnixSeconds = Annotated[StrictInt, Field(ge=0, le=253_402_300_799)]  # up to year 9999


def _empty_list_is_empty_map(value: Any) -> Any:
    return {} if value == [] else value


Notes = Annotated[dict[str, Any], BeforeValidator(_empty_list_is_empty_map)]

T = TypeVar("T")


class RazorpayEventType(StrEnum):
    """The Razorpay events paywire acts on; every other event is ignored."""

    PAYMENT_AUTHORIZED = "payment.authorized"
    PAYMENT_CAPTURED = "payment.captured"
    PAYMENT_FAILED = "payment.failed"
    ORDER_PAID = "order.paid"
    REFUND_PROCESSED = "refund.processed"
    REFUND_FAILED = "refund.failed"


class RazorpayModel(BaseModel):
    """Immutable, tolerant of fields paywire does not read."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class RazorpayEvent(RazorpayModel):
    """The webhook envelope: ``event`` names the type, ``payload`` holds the entities."""

    event: str
    created_at: UnixSeconds
    payload: dict[str, Any]


class Payment(RazorpayModel):
    """A ``payment`` entity."""

    id: str = Field(min_length=1)
    amount: MinorUnits
    currency: str
    order_id: str | None = None
    notes: Notes = {}
    error_code: str | None = None
    error_description: str | None = None


class Order(RazorpayModel):
    """An ``order`` entity."""

    id: str = Field(min_length=1)
    amount_paid: MinorUnits
    currency: str
    notes: Notes = {}


class Refund(RazorpayModel):
    """A ``refund`` entity: ``amount`` is this refund's amount, not a running total."""

    id: str = Field(min_length=1)
    amount: MinorUnits
    currency: str
    payment_id: str = Field(min_length=1)
    notes: Notes = {}


class Wrapped(RazorpayModel, Generic[T]):
    """``{"entity": {...}}``, the way each entity sits in ``payload``."""

    entity: T


class PaymentPayload(RazorpayModel):
    """``payload`` of a ``payment.*`` event."""

    payment: Wrapped[Payment]


class OrderPaidPayload(RazorpayModel):
    """``payload`` of ``order.paid``: the order and the payment that paid it."""

    order: Wrapped[Order]
    payment: Wrapped[Payment] | None = None


class RefundPayload(RazorpayModel):
    """``payload`` of a ``refund.*`` event: the refund and, usually, its payment."""

    refund: Wrapped[Refund]
    payment: Wrapped[Payment] | None = None
