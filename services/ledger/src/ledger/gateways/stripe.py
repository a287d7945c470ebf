"""Stripe as a ``Gateway``: one PaymentIntent per session, its status, refunds; plus the
Stripe customers paywire keeps per merchant customer and their saved payment methods.

Idempotency keys: ``paywire:<session>:checkout`` for the PaymentIntent,
``paywire:<session>:refund:<refund>`` (unless the caller gives one) for a refund, and a
digest of (merchant, customer id) for the customer, so a retried call creates nothing twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Self

import httpx
from common.events import ProviderEvent
from common.settings import Settings
from ingress.providers.http import HttpPolicy, ProviderApiError
from ingress.providers.stripe.client import StripeClient
from ingress.providers.stripe.resources import Card, PaymentMethod

from ledger.gateways.base import (
    Checkout,
    CheckoutRequest,
    GatewayError,
    GatewayUnavailable,
    RefundRequest,
    RefundResult,
    RefundStatusRequest,
    StatusRequest,
)
from ledger.gateways.refund_status import refund_status_event
from ledger.gateways.status import settled_status
from ledger.gateways.translate import translated

__all__ = ["SavedMethod", "StripeGateway"]

_PUBLISHABLE = {"test": "pk_test", "live": "pk_live"}


@dataclass(frozen=True, slots=True)
class SavedMethod:
    """A payment method saved on a Stripe customer."""

    id: str
    type: str
    card: Card | None
    is_default: bool


class StripeGateway:
    """Stripe's API as the ledger uses it."""

    provider = "stripe"

    def __init__(self, client: StripeClient) -> None:
        self._client = client

    @classmethod
    def from_settings(
        cls, settings: Settings, http: httpx.AsyncClient, policy: HttpPolicy
    ) -> Self | None:
        """Configured when ``PAYWIRE_STRIPE__API_KEY`` is set."""
        client = StripeClient.from_settings(settings.stripe, http, policy)
        return cls(client) if client is not None else None

    async def create_checkout(self, request: CheckoutRequest) -> Checkout:
        """A PaymentIntent; the details carry its client secret for Stripe.js.

        ``publishable_hint`` names the publishable key's kind (``pk_test``/``pk_live``)
        that goes with the secret key's mode: the client secret works only with it.
        """
        with translated():
            intent = await self._client.create_payment_intent(
                amount=request.amount,
                currency=request.currency,
                session_id=request.session_id,
                idempotency_key=f"paywire:{request.session_id}:checkout",
                customer=request.provider_customer_id,
                description=request.description or request.product,
            )
        if not intent.client_secret:
            raise GatewayUnavailable("invalid_response", "Stripe sent no client secret")
        details = {
            "type": "stripe_payment_intent",
            "client_secret": intent.client_secret,
            "payment_intent_id": intent.id,
            "publishable_hint": _PUBLISHABLE.get(self._client.mode),
        }
        return Checkout(details=details, provider_payment_ids=(intent.id,))

    async def fetch_status(self, request: StatusRequest) -> ProviderEvent | None:
        """The status of the session's PaymentIntents (``pi_...`` ids)."""
        intents = _intents(request.provider_payment_ids)
        return await settled_status(request.session_id, intents, self._client.payment_intent_status)

    async def refund(self, request: RefundRequest) -> RefundResult:
        """A refund of the session's first PaymentIntent; ``completed`` once ``succeeded``."""
        intents = _intents(request.provider_payment_ids)
        if not intents:
            raise GatewayError("no_payment", "no Stripe PaymentIntent is recorded for the session")
        metadata = {
            "paywire_session_id": request.session_id,
            "paywire_refund_id": request.refund_id,
        }
        if request.reason:
            metadata["paywire_reason"] = request.reason[:500]
        key = request.idempotency_key or f"paywire:{request.session_id}:refund:{request.refund_id}"
        with translated():
            refund = await self._client.create_refund(
                payment_intent=intents[0],
                amount=request.amount,
                idempotency_key=key,
                metadata=metadata,
            )
        return RefundResult(
            provider_refund_id=refund.id,
            completed=refund.status == "succeeded",
            raw=refund.model_dump(mode="json"),
        )

    async def fetch_refund(self, request: RefundStatusRequest) -> ProviderEvent | None:
        """``GET /v1/refunds/{id}``: ``succeeded``, or ``failed``/``canceled`` (with
        Stripe's ``failure_reason``); None while ``pending`` or ``requires_action``."""
        with translated():
            refund = await self._client.retrieve_refund(request.provider_refund_id)
        return refund_status_event(
            self.provider,
            request,
            refund.status,
            amount=refund.amount,
            currency=refund.currency,
            failure_reason=refund.failure_reason,
        )

    async def create_customer(self, merchant_id: str, customer: Mapping[str, Any]) -> str:
        """A Stripe customer for the merchant's ``customer`` (with an ``id``); its ``cus_`` id."""
        customer_id = str(customer["id"])
        digest = hashlib.sha256(f"{merchant_id}\x00{customer_id}".encode()).hexdigest()
        with translated():
            created = await self._client.create_customer(
                idempotency_key=f"paywire:customer:{digest[:40]}",
                email=customer.get("email"),
                name=customer.get("name"),
                metadata={"paywire_merchant_id": merchant_id, "paywire_customer_id": customer_id},
            )
        return created.id

    async def payment_methods(self, customer: str) -> list[SavedMethod]:
        """The customer's saved payment methods, newest first."""
        with translated():
            held = await self._client.retrieve_customer(customer)
            methods = await self._client.list_payment_methods(customer)
        default = held.invoice_settings.default_payment_method
        return [_saved(method, default) for method in methods]

    async def make_default(self, customer: str, payment_method: str) -> SavedMethod | None:
        """Make the customer's ``payment_method`` its default; None if it is not theirs."""
        method = await self._owned(customer, payment_method)
        if method is None:
            return None
        with translated():
            await self._client.set_default_payment_method(customer, payment_method)
        return _saved(method, payment_method)

    async def detach(self, customer: str, payment_method: str) -> bool:
        """Remove the customer's ``payment_method``; False if it is not theirs."""
        if await self._owned(customer, payment_method) is None:
            return False
        with translated():
            await self._client.detach_payment_method(payment_method)
        return True

    async def _owned(self, customer: str, payment_method: str) -> PaymentMethod | None:
        with translated():
            try:
                method = await self._client.retrieve_payment_method(payment_method)
            except ProviderApiError as exc:
                if exc.status != 404:
                    raise
                return None
        return method if method.customer == customer else None


def _intents(payment_ids: tuple[str, ...]) -> list[str]:
    return [pid for pid in payment_ids if pid.startswith("pi_")]


def _saved(method: PaymentMethod, default: str | None) -> SavedMethod:
    return SavedMethod(method.id, method.type, method.card, method.id == default)
