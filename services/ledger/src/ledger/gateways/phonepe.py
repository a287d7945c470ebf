"""PhonePe (PG v1) as a ``Gateway``: a pay page per session, its status, refunds.

The session id is PhonePe's merchant transaction id, which is how PhonePe's callbacks and
status answers name the session. PhonePe calls back at ingress (``/webhooks/phonepe`` on
``PAYWIRE_INGRESS_PUBLIC_URL``); the customer returns to the session's ``return_url``, or to
``PAYWIRE_PUBLIC_BASE_URL`` without one.

A refund is PhonePe merchant transaction ``<refund id>``. Neither call carries an
idempotency key, so ``refund`` first asks PhonePe about that transaction: a refund sent
before (whose answer was lost) is reported, not sent again.
"""

from __future__ import annotations

import hashlib
from typing import Self

import httpx
from common.events import ProviderEvent
from common.settings import Settings
from ingress.providers.http import HttpPolicy
from ingress.providers.phonepe.client import PhonepeClient
from ingress.providers.phonepe.resources import TRANSACTION_NOT_FOUND, TransactionStatus

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
from ledger.gateways.currency import require_inr
from ledger.gateways.refund_status import refund_status_event
from ledger.gateways.translate import translated

__all__ = ["PhonepeGateway"]

_COMPLETED, _FAILED = "COMPLETED", "FAILED"


class PhonepeGateway:
    """PhonePe's API as the ledger uses it."""

    provider = "phonepe"

    def __init__(self, client: PhonepeClient, callback_url: str, default_return_url: str) -> None:
        self._client = client
        self._callback_url = callback_url
        self._default_return_url = default_return_url

    @classmethod
    def from_settings(
        cls, settings: Settings, http: httpx.AsyncClient, policy: HttpPolicy
    ) -> Self | None:
        """Configured when ``PAYWIRE_PHONEPE__MERCHANT_ID`` and ``__SALT_KEYS`` are set."""
        client = PhonepeClient.from_settings(settings.phonepe, http, policy)
        if client is None:
            return None
        callback = settings.ingress_public_url.rstrip("/") + "/webhooks/phonepe"
        return cls(client, callback, settings.public_base_url)

    async def create_checkout(self, request: CheckoutRequest) -> Checkout:
        """PhonePe's pay page for the session; the details redirect the customer to it."""
        require_inr(self.provider, request.currency)
        with translated():
            url = await self._client.pay(
                merchant_transaction_id=request.session_id,
                merchant_user_id=_merchant_user_id(request),
                amount=request.amount,
                redirect_url=request.return_url or self._default_return_url,
                callback_url=self._callback_url,
            )
        return Checkout(details={"type": "redirect", "url": url})

    async def fetch_status(self, request: StatusRequest) -> ProviderEvent | None:
        """The status of the session's PhonePe transaction (merchant transaction id)."""
        with translated():
            checked = await self._client.check_status(request.session_id)
        return checked.event

    async def refund(self, request: RefundRequest) -> RefundResult:
        """A refund of the session's payment; ``completed`` once PhonePe says ``COMPLETED``."""
        with translated():
            sent = (await self._client.check_status(request.refund_id)).answer
            if sent.code == TRANSACTION_NOT_FOUND:
                sent = await self._client.refund(
                    merchant_transaction_id=request.refund_id,
                    original_transaction_id=request.session_id,
                    amount=request.amount,
                    callback_url=self._callback_url,
                )
        return _result(sent)

    async def fetch_refund(self, request: RefundStatusRequest) -> ProviderEvent | None:
        """Check Status of the refund's merchant transaction (paywire's refund id):
        ``COMPLETED`` or ``FAILED``; None while pending or not found."""
        with translated():
            answer = (await self._client.check_status(request.refund_id)).answer
        data = answer.data
        if data is None or data.merchant_transaction_id != request.refund_id:
            return None
        reason = f"PhonePe reported the refund {data.state}: {answer.message}"
        return refund_status_event(
            self.provider, request, data.state, amount=data.amount, failure_reason=reason
        )


def _result(answer: TransactionStatus) -> RefundResult:
    """The refund PhonePe describes; a failed one is PhonePe's refusal."""
    data = answer.data
    if data is None:
        said = f"PhonePe answered {answer.code} without the refund"
        raise GatewayUnavailable("invalid_response", said)
    if data.state == _FAILED:
        raise GatewayError(answer.code, f"PhonePe refused the refund: {answer.message}")
    return RefundResult(
        provider_refund_id=data.transaction_id or data.merchant_transaction_id,
        completed=data.state == _COMPLETED,
        raw=answer.model_dump(mode="json", by_alias=True),
    )


def _merchant_user_id(request: CheckoutRequest) -> str:
    """A stable id for the payer at PhonePe (at most 35 characters of ``[0-9a-f]``): the
    merchant's customer when it names one, else the session."""
    payer = str(request.customer.get("id") or request.session_id)
    return hashlib.sha256(f"{request.merchant_id}\x00{payer}".encode()).hexdigest()[:35]
