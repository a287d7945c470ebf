"""Stripe's REST API: form-encoded requests, JSON answers, ``Authorization: Bearer <secret key>``.

Every POST carries an ``Idempotency-Key`` (stable per logical operation where paywire has
one, random per call otherwise) so every call is safe to retry: Stripe answers a repeated
key with the first result. Requests pin ``Stripe-Version`` so answers keep their shape.
Nested parameters use Stripe's bracket notation (``metadata[paywire_session_id]``).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, Self

import httpx
from common.events import ProviderEvent
from common.provider_settings import StripeSettings

from ingress.providers.http import (
    ApiReply,
    HttpPolicy,
    ProviderApi,
    error_object,
    read_model,
    reading,
)
from ingress.providers.stripe.resources import (
    Customer,
    PaymentMethod,
    PaymentMethodList,
    Refund,
    RefundState,
)
from ingress.providers.stripe.schemas import PaymentIntent
from ingress.providers.stripe.status import intent_status_event

__all__ = ["API_VERSION", "StripeClient", "form_encode"]

_ERRORS = error_object("code", "type", message_key="message")

API_VERSION = "2024-06-20"


class StripeClient:
    """The Stripe calls paywire makes: PaymentIntents, refunds, customers, payment methods.

    ``mode`` is ``test`` or ``live``, read from the secret key's prefix, or ``unknown``.
    """

    def __init__(self, api: ProviderApi, mode: str) -> None:
        self._api = api
        self.mode = mode

    @classmethod
    def from_settings(
        cls, settings: StripeSettings, http: httpx.AsyncClient, policy: HttpPolicy | None = None
    ) -> Self | None:
        """A client for ``PAYWIRE_STRIPE__API_KEY`` at ``__API_BASE``; None without a key."""
        if settings.api_key is None or not settings.api_key.get_secret_value():
            return None
        key = settings.api_key.get_secret_value()
        api = ProviderApi(
            "stripe",
            http,
            settings.api_base,
            parse_error=_ERRORS,
            headers={"Authorization": f"Bearer {key}", "Stripe-Version": API_VERSION},
            policy=policy,
        )
        mode = "live" if "_live_" in key else "test" if "_test_" in key else "unknown"
        return cls(api, mode)

    async def create_payment_intent(
        self,
        *,
        amount: int,
        currency: str,
        session_id: str,
        idempotency_key: str,
        customer: str | None = None,
        description: str | None = None,
    ) -> PaymentIntent:
        """``POST /v1/payment_intents`` with automatic payment methods."""
        params = {
            "amount": amount,
            "currency": currency.lower(),
            "automatic_payment_methods": {"enabled": True},
            "metadata": {"paywire_session_id": session_id},
            "customer": customer,
            "description": description,
        }
        reply = await self._post("/v1/payment_intents", params, idempotency_key)
        return read_model("Stripe", PaymentIntent, reply)

    async def payment_intent_status(self, intent_id: str) -> ProviderEvent | None:
        """``GET /v1/payment_intents/{id}``, read as an ``api_confirmed`` event."""
        reply = await self._api.call("GET", f"/v1/payment_intents/{intent_id}")
        with reading("Stripe", "PaymentIntent"):
            return intent_status_event(read_model("Stripe", PaymentIntent, reply), reply.raw)

    async def create_refund(
        self,
        *,
        payment_intent: str,
        amount: int,
        idempotency_key: str,
        metadata: Mapping[str, str],
    ) -> Refund:
        """``POST /v1/refunds`` of ``amount`` of the PaymentIntent's charge."""
        params = {"payment_intent": payment_intent, "amount": amount, "metadata": dict(metadata)}
        reply = await self._post("/v1/refunds", params, idempotency_key)
        return read_model("Stripe", Refund, reply)

    async def retrieve_refund(self, refund_id: str) -> RefundState:
        """``GET /v1/refunds/{id}``: the refund, its ``status`` and ``failure_reason``."""
        reply = await self._api.call("GET", f"/v1/refunds/{refund_id}")
        return read_model("Stripe", RefundState, reply)

    async def create_customer(
        self,
        *,
        idempotency_key: str,
        email: str | None,
        name: str | None,
        metadata: Mapping[str, str],
    ) -> Customer:
        """``POST /v1/customers``."""
        params = {"email": email, "name": name, "metadata": dict(metadata)}
        reply = await self._post("/v1/customers", params, idempotency_key)
        return read_model("Stripe", Customer, reply)

    async def retrieve_customer(self, customer: str) -> Customer:
        """``GET /v1/customers/{id}``."""
        reply = await self._api.call("GET", f"/v1/customers/{customer}")
        return read_model("Stripe", Customer, reply)

    async def set_default_payment_method(self, customer: str, payment_method: str) -> Customer:
        """``POST /v1/customers/{id}`` setting ``invoice_settings[default_payment_method]``."""
        params = {"invoice_settings": {"default_payment_method": payment_method}}
        reply = await self._post(f"/v1/customers/{customer}", params)
        return read_model("Stripe", Customer, reply)

    async def list_payment_methods(self, customer: str) -> list[PaymentMethod]:
        """``GET /v1/customers/{id}/payment_methods`` (the first 100, newest first)."""
        path = f"/v1/customers/{customer}/payment_methods"
        reply = await self._api.call("GET", path, params={"limit": "100"})
        return read_model("Stripe", PaymentMethodList, reply).data

    async def retrieve_payment_method(self, payment_method: str) -> PaymentMethod:
        """``GET /v1/payment_methods/{id}``."""
        reply = await self._api.call("GET", f"/v1/payment_methods/{payment_method}")
        return read_model("Stripe", PaymentMethod, reply)

    async def detach_payment_method(self, payment_method: str) -> PaymentMethod:
        """``POST /v1/payment_methods/{id}/detach``."""
        reply = await self._post(f"/v1/payment_methods/{payment_method}/detach", {})
        return read_model("Stripe", PaymentMethod, reply)

    async def _post(
        self, path: str, params: Mapping[str, Any], idempotency_key: str | None = None
    ) -> ApiReply:
        key = idempotency_key or f"paywire:{uuid.uuid4()}"
        return await self._api.call(
            "POST",
            path,
            repeatable=True,
            form=form_encode(params),
            headers={"Idempotency-Key": key},
        )


def form_encode(params: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """Flatten nested mappings into Stripe's ``a[b][c]=v`` form fields; None is left out."""
    fields: dict[str, str] = {}
    for name, value in params.items():
        key = f"{prefix}[{name}]" if prefix else name
        if value is None:
            continue
        if isinstance(value, Mapping):
            fields.update(form_encode(value, key))
        elif isinstance(value, bool):
            fields[key] = "true" if value else "false"
        else:
            fields[key] = str(value)
    return fields
