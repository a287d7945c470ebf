"""``/v1/customers/{customer_id}/payment-methods``: a merchant customer's saved Stripe
payment methods, through the Stripe customer paywire keeps for it (``stripe_customers``).

A customer that has no Stripe customer yet (no checkout named it), or a payment method that
is not that customer's, answers 404; Stripe failing answers 502, as checkout creation does.
"""

from __future__ import annotations

import re
from typing import Annotated

from common.web import ApiError
from fastapi import APIRouter, Depends
from pydantic import BaseModel

from ledger import stripe_customers
from ledger.api.deps import Database, Gateways, Merchant
from ledger.gateways.stripe import SavedMethod, StripeGateway
from ledger.provider_failures import reported_as_502

__all__ = ["router"]

router = APIRouter(prefix="/v1/customers", tags=["payment methods"])

_STRIPE_ID = re.compile(r"[A-Za-z0-9_]{1,255}")


class CardOut(BaseModel):
    """A saved card, as much of it as may be shown."""

    brand: str
    last4: str
    exp_month: int
    exp_year: int


class PaymentMethodOut(BaseModel):
    """A saved payment method; ``is_default`` when it is the customer's default."""

    id: str
    type: str
    card: CardOut | None
    is_default: bool


class PaymentMethodList(BaseModel):
    """A customer's saved payment methods, newest first."""

    data: list[PaymentMethodOut]


class PaymentMethodDeleted(BaseModel):
    """The payment method was removed from the customer."""

    id: str
    deleted: bool


def _stripe(gateways: Gateways) -> StripeGateway:
    gateway = gateways.get("stripe")
    if not isinstance(gateway, StripeGateway):
        raise ApiError(404, "provider_not_configured", "Stripe's API is not configured")
    return gateway


Stripe = Annotated[StripeGateway, Depends(_stripe)]


@router.get("/{customer_id}/payment-methods", response_model=PaymentMethodList)
async def list_payment_methods(
    customer_id: str, merchant: Merchant, factory: Database, stripe: Stripe
) -> PaymentMethodList:
    """The customer's saved payment methods."""
    customer = await _stripe_customer(factory, merchant.id, customer_id)
    with reported_as_502("stripe"):
        methods = await stripe.payment_methods(customer)
    return PaymentMethodList(data=[_out(method) for method in methods])


@router.post(
    "/{customer_id}/payment-methods/{payment_method_id}/default", response_model=PaymentMethodOut
)
async def make_default(
    customer_id: str, payment_method_id: str, merchant: Merchant, factory: Database, stripe: Stripe
) -> PaymentMethodOut:
    """Make one of the customer's payment methods its default."""
    customer = await _stripe_customer(factory, merchant.id, customer_id)
    with reported_as_502("stripe"):
        method = await stripe.make_default(customer, _payment_method(payment_method_id))
    if method is None:
        raise _no_such_payment_method()
    return _out(method)


@router.delete(
    "/{customer_id}/payment-methods/{payment_method_id}", response_model=PaymentMethodDeleted
)
async def delete_payment_method(
    customer_id: str, payment_method_id: str, merchant: Merchant, factory: Database, stripe: Stripe
) -> PaymentMethodDeleted:
    """Remove one of the customer's payment methods (Stripe detaches it)."""
    customer = await _stripe_customer(factory, merchant.id, customer_id)
    with reported_as_502("stripe"):
        detached = await stripe.detach(customer, _payment_method(payment_method_id))
    if not detached:
        raise _no_such_payment_method()
    return PaymentMethodDeleted(id=payment_method_id, deleted=True)


async def _stripe_customer(factory: Database, merchant_id: str, customer_id: str) -> str:
    found = await stripe_customers.find(factory, merchant_id, customer_id)
    if found is None:
        raise ApiError(404, "not_found", "no such customer")
    return found


def _payment_method(payment_method_id: str) -> str:
    """The id if it can be a Stripe id; anything else (``../``) cannot exist: 404."""
    if not _STRIPE_ID.fullmatch(payment_method_id):
        raise _no_such_payment_method()
    return payment_method_id


def _no_such_payment_method() -> ApiError:
    return ApiError(404, "not_found", "no such payment method")


def _out(method: SavedMethod) -> PaymentMethodOut:
    card = method.card
    return PaymentMethodOut(
        id=method.id,
        type=method.type,
        card=CardOut(
            brand=card.brand, last4=card.last4, exp_month=card.exp_month, exp_year=card.exp_year
        )
        if card
        else None,
        is_default=method.is_default,
    )
