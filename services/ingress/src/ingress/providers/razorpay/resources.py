"""The Razorpay API entities the client reads besides the webhook payloads in ``schemas.py``.

Each extends its webhook model with the fields only an API answer is read for.
"""

from __future__ import annotations

from ingress.providers.razorpay.schemas import (
    MinorUnits,
    Order,
    Payment,
    RazorpayModel,
    Refund,
    UnixSeconds,
)

__all__ = ["CreatedOrder", "PaymentCollection", "PaymentState", "RefundState"]


class CreatedOrder(Order):
    """An ``order`` as ``POST /v1/orders`` returns it."""

    amount: MinorUnits
    status: str
    receipt: str | None = None


class PaymentState(Payment):
    """A ``payment`` with its ``status``: created, authorized, captured, refunded or failed."""

    status: str
    created_at: UnixSeconds = 0


class PaymentCollection(RazorpayModel):
    """``{"entity": "collection", "count", "items"}`` of payments."""

    items: list[PaymentState]


class RefundState(Refund):
    """A ``refund`` with its ``status``: pending, processed or failed."""

    status: str
