"""Razorpay as a ``Gateway``: an order per session for Razorpay Checkout, its payments'
status, and refunds of the captured payment (``X-Refund-Idempotency`` per refund)."""

from __future__ import annotations

from typing import Self

import httpx
from common.events import ProviderEvent
from common.settings import Settings
from ingress.providers.http import HttpPolicy
from ingress.providers.razorpay.client import RazorpayClient
from ingress.providers.razorpay.status import PaymentStatus

from ledger.gateways.base import (
    Checkout,
    CheckoutRequest,
    GatewayError,
    RefundRequest,
    RefundResult,
    RefundStatusRequest,
    StatusRequest,
)
from ledger.gateways.refund_status import refund_status_event
from ledger.gateways.status import settled_status
from ledger.gateways.translate import translated

__all__ = ["RazorpayGateway"]


class RazorpayGateway:
    """Razorpay's API as the ledger uses it."""

    provider = "razorpay"

    def __init__(self, client: RazorpayClient) -> None:
        self._client = client

    @classmethod
    def from_settings(
        cls, settings: Settings, http: httpx.AsyncClient, policy: HttpPolicy
    ) -> Self | None:
        """Configured when ``PAYWIRE_RAZORPAY__KEY_ID`` and ``__KEY_SECRET`` are set."""
        client = RazorpayClient.from_settings(settings.razorpay, http, policy)
        return cls(client) if client is not None else None

    async def create_checkout(self, request: CheckoutRequest) -> Checkout:
        """An order whose receipt is the session id; the details open Razorpay Checkout."""
        with translated():
            order = await self._client.create_order(
                amount=request.amount,
                currency=request.currency,
                receipt=request.session_id,
                notes={"paywire_session_id": request.session_id},
            )
        details = {
            "type": "razorpay_order",
            "order_id": order.id,
            "key_id": self._client.key_id,
            "amount": order.amount,
            "currency": order.currency,
        }
        return Checkout(details=details, provider_payment_ids=(order.id,))

    async def fetch_status(self, request: StatusRequest) -> ProviderEvent | None:
        """The status of the payments made against the session's orders."""
        orders = _prefixed(request.provider_payment_ids, "order_")
        return await settled_status(request.session_id, orders, self._client.order_status)

    async def refund(self, request: RefundRequest) -> RefundResult:
        """A refund of the captured payment; ``completed`` once ``processed``."""
        payment_id = await self._captured_payment(request.provider_payment_ids)
        key = request.idempotency_key or f"paywire-{request.session_id}-refund-{request.refund_id}"
        notes = {"paywire_session_id": request.session_id, "paywire_refund_id": request.refund_id}
        with translated():
            refund = await self._client.create_refund(
                payment_id,
                amount=request.amount,
                idempotency_key=key,
                notes=notes,
                receipt=request.refund_id,
            )
        return RefundResult(
            provider_refund_id=refund.id,
            completed=refund.status == "processed",
            raw=refund.model_dump(mode="json"),
        )

    async def fetch_refund(self, request: RefundStatusRequest) -> ProviderEvent | None:
        """``GET /v1/refunds/{id}``: ``processed`` or ``failed``; None while ``pending``."""
        with translated():
            refund = await self._client.fetch_refund(request.provider_refund_id)
        return refund_status_event(
            self.provider, request, refund.status, amount=refund.amount, currency=refund.currency
        )

    async def _captured_payment(self, payment_ids: tuple[str, ...]) -> str:
        """A recorded ``pay_`` id, else the captured payment of a recorded order."""
        payments = _prefixed(payment_ids, "pay_")
        if payments:
            return payments[0]
        for order_id in _prefixed(payment_ids, "order_"):
            with translated():
                attempts = await self._client.order_payments(order_id)
            for payment in attempts:
                if payment.status in (PaymentStatus.CAPTURED, PaymentStatus.REFUNDED):
                    return payment.id
        raise GatewayError("no_payment", "no captured Razorpay payment is recorded for the session")


def _prefixed(payment_ids: tuple[str, ...], prefix: str) -> list[str]:
    return [pid for pid in payment_ids if pid.startswith(prefix)]
