"""The Stripe API objects the client reads besides the webhook payloads in ``schemas.py``.

Only the fields paywire uses are declared; extras are ignored. Expandable fields are read
as ids, which is how Stripe returns them unless asked to expand.
"""

from __future__ import annotations

from pydantic import Field

from ingress.providers.stripe.schemas import MinorUnits, StripeModel

__all__ = [
    "Card",
    "Customer",
    "InvoiceSettings",
    "PaymentMethod",
    "PaymentMethodList",
    "Refund",
    "RefundState",
]


class InvoiceSettings(StripeModel):
    """A customer's invoice settings: the payment method used by default."""

    default_payment_method: str | None = None


class Customer(StripeModel):
    """A ``customer`` object."""

    id: str = Field(min_length=1)
    email: str | None = None
    name: str | None = None
    metadata: dict[str, str] = {}
    invoice_settings: InvoiceSettings = InvoiceSettings()


class Card(StripeModel):
    """The card details of a ``card`` payment method."""

    brand: str
    last4: str
    exp_month: int
    exp_year: int


class PaymentMethod(StripeModel):
    """A ``payment_method`` object; ``customer`` is None once detached."""

    id: str = Field(min_length=1)
    type: str
    customer: str | None = None
    card: Card | None = None


class PaymentMethodList(StripeModel):
    """A page of payment methods (``object: list``)."""

    data: list[PaymentMethod]
    has_more: bool = False


class Refund(StripeModel):
    """A ``refund`` object: ``status`` is ``pending``, ``succeeded``, ``failed``, ..."""

    id: str = Field(min_length=1)
    amount: MinorUnits
    currency: str
    payment_intent: str | None = None
    status: str | None = None


class RefundState(Refund):
    """A ``refund`` as ``GET /v1/refunds/{id}`` reads it: with Stripe's ``failure_reason``
    (``expired_or_canceled_card``, ``lost_or_stolen_card``, ...) once it failed."""

    failure_reason: str | None = None
