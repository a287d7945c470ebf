"""UPI collect as a ``Gateway``: a ``upi://pay`` link and its QR code, and nothing to call.

The link follows NPCI's UPI linking specification: ``upi://pay?pa=<payee VPA>&pn=<payee
name>&am=<rupees>&cu=INR&tr=<session id>&tn=<note>``, each value percent-encoded (a space
is ``%20``; the ``@`` of a VPA stays). The payer's UPI app pays it; the payee's bank or PSP
reports the payment to ingress as the ``upi`` generic HMAC source, whose reference field
carries ``tr``, the session id.

UPI has no status API paywire can ask (``fetch_status`` answers None: the outcome arrives
only as the PSP's webhook) and no refund API (``refund`` refuses: refund from the bank or
PSP that received the money).
"""

from __future__ import annotations

from typing import Self
from urllib.parse import quote

import httpx
import segno
from common.events import ProviderEvent
from common.money import Money
from common.settings import Settings
from ingress.providers.http import HttpPolicy

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

__all__ = ["UpiGateway", "upi_link"]

_NOTE_LENGTH = 50
_QR_SCALE = 8


def upi_link(*, vpa: str, payee_name: str, amount: Money, reference: str, note: str) -> str:
    """The ``upi://pay`` link asking for ``amount`` (INR) with ``reference`` as ``tr``."""
    params = (
        ("pa", vpa),
        ("pn", payee_name),
        ("am", str(amount.to_major())),
        ("cu", amount.currency),
        ("tr", reference),
        ("tn", note[:_NOTE_LENGTH]),
    )
    return "upi://pay?" + "&".join(f"{name}={quote(value, safe='@')}" for name, value in params)


class UpiGateway:
    """UPI collect: a payment link to the merchant's VPA; no provider API."""

    provider = "upi"

    def __init__(self, vpa: str, payee_name: str) -> None:
        self._vpa = vpa
        self._payee_name = payee_name

    @classmethod
    def from_settings(
        cls, settings: Settings, http: httpx.AsyncClient, policy: HttpPolicy
    ) -> Self | None:
        """Configured when ``PAYWIRE_UPI__VPA`` and ``__PAYEE_NAME`` are set."""
        upi = settings.upi
        return cls(upi.vpa, upi.payee_name) if upi.vpa and upi.payee_name else None

    async def create_checkout(self, request: CheckoutRequest) -> Checkout:
        """The session's UPI link, and its QR code as a PNG data URI and as SVG."""
        require_inr(self.provider, request.currency)
        link = upi_link(
            vpa=self._vpa,
            payee_name=self._payee_name,
            amount=Money(request.amount, request.currency),
            reference=request.session_id,
            note=request.description or request.product or f"Payment {request.session_id}",
        )
        qr = segno.make_qr(link, error="m")
        details = {
            "type": "upi",
            "uri": link,
            "qr_png": qr.png_data_uri(scale=_QR_SCALE),
            "qr_svg": qr.svg_inline(scale=_QR_SCALE),
        }
        return Checkout(details=details)

    async def fetch_status(self, request: StatusRequest) -> ProviderEvent | None:
        """Always None: UPI collect has no status API; the PSP's webhook reports payments."""
        return None

    async def fetch_refund(self, request: RefundStatusRequest) -> ProviderEvent | None:
        """Always None: UPI collect has no refunds to ask about."""
        return None

    async def refund(self, request: RefundRequest) -> RefundResult:
        """Always refused: UPI collect has no refund API."""
        raise GatewayError(
            "refund_unsupported", "UPI collect has no refund API; refund from your bank or PSP"
        )
