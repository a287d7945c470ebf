"""PayU India as a ``Gateway``: the hosted checkout's signed form, verify_payment, refunds.

The checkout calls no API: the details carry the form the customer's browser posts to
PayU. Its ``txnid`` is the session id's last 25 characters, as many as PayU allows: a
session id is ``ses_`` and a ULID whose first character is ``0`` until the year 3085, so
the txnid still names one session. ``udf1`` is the session id, which is how PayU's
callbacks name the session. PayU requires the customer's email (a session without one
is refused with 422 ``customer_email_required``). PayU posts the customer back to the
session's ``return_url``, or, without one, to ingress (``/webhooks/payu`` on
``PAYWIRE_INGRESS_PUBLIC_URL``), where the signed post itself tells paywire the outcome.

A refund is PayU's ``cancel_refund_transaction`` with the refund id as its token, which
is also the provider refund id (PayU's refund callbacks and dashboard show it; PayU's
``request_id`` stays in the raw answer, and a repeat of the token has none). PayU
reports a refund's later progress through no signed channel (its refund webhooks carry no
hash, and ingress refuses them), so a refund PayU accepts (done, pending or queued) is
reported ``completed``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

import httpx
from common.events import ProviderEvent
from common.money import Money
from common.settings import Settings
from common.web import ApiError
from ingress.providers.http import HttpPolicy
from ingress.providers.payu.client import PayuClient

from ledger.gateways.base import (
    Checkout,
    CheckoutRequest,
    GatewayError,
    RefundRequest,
    RefundResult,
    RefundStatusRequest,
    StatusRequest,
)
from ledger.gateways.currency import require_inr
from ledger.gateways.status import settled_status
from ledger.gateways.translate import translated

__all__ = ["PayuGateway", "payu_txnid"]

_TXNID_LENGTH = 25


def payu_txnid(session_id: str) -> str:
    """The PayU ``txnid`` of a session: its last 25 characters."""
    return session_id[-_TXNID_LENGTH:]


class PayuGateway:
    """PayU's API as the ledger uses it."""

    provider = "payu"

    def __init__(self, client: PayuClient, callback_url: str) -> None:
        self._client = client
        self._callback_url = callback_url

    @classmethod
    def from_settings(
        cls, settings: Settings, http: httpx.AsyncClient, policy: HttpPolicy
    ) -> Self | None:
        """Configured when ``PAYWIRE_PAYU__KEY`` and ``__SALTS`` are set."""
        client = PayuClient.from_settings(settings.payu, http, policy)
        if client is None:
            return None
        return cls(client, settings.ingress_public_url.rstrip("/") + "/webhooks/payu")

    async def create_checkout(self, request: CheckoutRequest) -> Checkout:
        """The signed form for PayU's hosted checkout; nothing is sent to PayU yet."""
        require_inr(self.provider, request.currency)
        email = request.customer.get("email")
        if not email:
            raise ApiError(
                422,
                "customer_email_required",
                "PayU's checkout needs the customer's email: set customer.email",
                {"provider": self.provider},
            )
        txnid = payu_txnid(request.session_id)
        back = request.return_url or self._callback_url
        form = self._client.checkout_form(
            txnid=txnid,
            amount=Money(request.amount, request.currency),
            productinfo=(request.product or request.description or "Payment")[:100],
            firstname=_first_name(request.customer),
            email=str(email),
            phone="",
            surl=back,
            furl=back,
            udf1=request.session_id,
        )
        details = {
            "type": "payu_form",
            "action": form.action,
            "method": "POST",
            "fields": form.fields,
        }
        return Checkout(details=details, provider_payment_ids=(txnid,))

    async def fetch_status(self, request: StatusRequest) -> ProviderEvent | None:
        """verify_payment of the session's ``txnid``."""
        txnid = payu_txnid(request.session_id)
        return await settled_status(request.session_id, (txnid,), self._client.payment_status)

    async def fetch_refund(self, request: RefundStatusRequest) -> ProviderEvent | None:
        """Always None: PayU completes a refund when it accepts it (``refund``)."""
        return None

    async def refund(self, request: RefundRequest) -> RefundResult:
        """``cancel_refund_transaction`` of the session's payment (its ``mihpayid``)."""
        mihpayid = await self._paid_mihpayid(request)
        with translated():
            answer = await self._client.refund(
                mihpayid=mihpayid,
                token=request.refund_id,
                amount=Money(request.amount, request.currency),
            )
        return RefundResult(
            provider_refund_id=request.refund_id,
            completed=True,
            raw=answer.model_dump(mode="json", by_alias=True),
        )

    async def _paid_mihpayid(self, request: RefundRequest) -> str:
        """A recorded ``mihpayid`` (PayU's ids are digits), else the one verify_payment
        reports for the session's successful transaction."""
        recorded = [pid for pid in request.provider_payment_ids if pid.isdigit()]
        if recorded:
            return recorded[0]
        with translated():
            found = await self._client.transaction(payu_txnid(request.session_id))
        if found is None or found.status != "success":
            raise GatewayError("no_payment", "the session has no successful PayU payment")
        return found.mihpayid


def _first_name(customer: Mapping[str, Any]) -> str:
    """PayU's required ``firstname``: the customer's first name, or ``Customer``."""
    words = str(customer.get("name") or "").split()
    return words[0][:60] if words else "Customer"
