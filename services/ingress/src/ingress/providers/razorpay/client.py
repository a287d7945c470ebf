"""Razorpay's REST API: JSON requests and answers, HTTP Basic ``key_id:key_secret``.

Orders have no idempotency key, so creating one is never retried (a lost order is unpaid
and harmless). Refunds carry ``X-Refund-Idempotency`` and are retried; GETs are retried.
Errors are ``{"error": {"code", "description", ...}}``; an unknown id answers 400.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Self

import httpx
from common.events import ProviderEvent
from common.provider_settings import RazorpaySettings

from ingress.providers.http import HttpPolicy, ProviderApi, error_object, read_model, reading
from ingress.providers.razorpay.resources import (
    CreatedOrder,
    PaymentCollection,
    PaymentState,
    RefundState,
)
from ingress.providers.razorpay.status import order_status_event

__all__ = ["RazorpayClient", "refund_idempotency_key"]

_ERRORS = error_object("code", message_key="description")

_IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{10,64}")


class RazorpayClient:
    """The Razorpay calls paywire makes: orders, an order's payments, refunds.

    ``key_id`` is public: Razorpay Checkout in the customer's browser needs it.
    """

    def __init__(self, api: ProviderApi, key_id: str) -> None:
        self._api = api
        self.key_id = key_id

    @classmethod
    def from_settings(
        cls, settings: RazorpaySettings, http: httpx.AsyncClient, policy: HttpPolicy | None = None
    ) -> Self | None:
        """A client for ``PAYWIRE_RAZORPAY__KEY_ID`` and ``__KEY_SECRET``; None without both."""
        if not settings.key_id or settings.key_secret is None:
            return None
        secret = settings.key_secret.get_secret_value()
        if not secret:
            return None
        auth = httpx.BasicAuth(settings.key_id, secret)
        api = ProviderApi(
            "razorpay", http, settings.api_base, parse_error=_ERRORS, auth=auth, policy=policy
        )
        return cls(api, settings.key_id)

    async def create_order(
        self, *, amount: int, currency: str, receipt: str, notes: Mapping[str, str]
    ) -> CreatedOrder:
        """``POST /v1/orders``; ``receipt`` is at most 40 characters."""
        body = {
            "amount": amount,
            "currency": currency.upper(),
            "receipt": receipt,
            "notes": dict(notes),
        }
        reply = await self._api.call("POST", "/v1/orders", json=body)
        return read_model("Razorpay", CreatedOrder, reply)

    async def order_status(self, order_id: str) -> ProviderEvent | None:
        """``GET /v1/orders/{id}/payments``, read as an ``api_confirmed`` event."""
        reply = await self._api.call("GET", f"/v1/orders/{order_id}/payments")
        with reading("Razorpay", "payment collection"):
            payments = read_model("Razorpay", PaymentCollection, reply).items
            return order_status_event(payments, reply.raw)

    async def order_payments(self, order_id: str) -> list[PaymentState]:
        """Every payment attempted against the order."""
        reply = await self._api.call("GET", f"/v1/orders/{order_id}/payments")
        return read_model("Razorpay", PaymentCollection, reply).items

    async def create_refund(
        self,
        payment_id: str,
        *,
        amount: int,
        idempotency_key: str,
        notes: Mapping[str, str],
        receipt: str,
    ) -> RefundState:
        """``POST /v1/payments/{id}/refund`` with ``X-Refund-Idempotency``."""
        body = {"amount": amount, "notes": dict(notes), "receipt": receipt[:40]}
        reply = await self._api.call(
            "POST",
            f"/v1/payments/{payment_id}/refund",
            repeatable=True,
            json=body,
            headers={"X-Refund-Idempotency": refund_idempotency_key(idempotency_key)},
        )
        return read_model("Razorpay", RefundState, reply)

    async def fetch_refund(self, refund_id: str) -> RefundState:
        """``GET /v1/refunds/{id}``: the refund and its ``status``."""
        reply = await self._api.call("GET", f"/v1/refunds/{refund_id}")
        return read_model("Razorpay", RefundState, reply)


def refund_idempotency_key(key: str) -> str:
    """``key`` if Razorpay accepts it (10-64 of ``A-Za-z0-9_-``), else a stable digest of it."""
    if _IDEMPOTENCY_KEY.fullmatch(key):
        return key
    return "paywire-" + hashlib.sha256(key.encode()).hexdigest()[:40]
