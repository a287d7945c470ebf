"""Coinbase Commerce as a ``Gateway``: a fixed-price charge per session and its status.

Coinbase Commerce has no refund API: the merchant returns crypto from its own wallet, so
``refund`` always raises ``GatewayError("refund_unsupported", ...)``.
"""

from __future__ import annotations

from typing import Self

import httpx
from common.events import ProviderEvent
from common.money import Money
from common.settings import Settings
from ingress.providers.coinbase.client import CoinbaseClient
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
from ledger.gateways.status import settled_status
from ledger.gateways.translate import translated

__all__ = ["CoinbaseGateway"]


class CoinbaseGateway:
    """Coinbase Commerce's API as the ledger uses it."""

    provider = "coinbase"

    def __init__(self, client: CoinbaseClient) -> None:
        self._client = client

    @classmethod
    def from_settings(
        cls, settings: Settings, http: httpx.AsyncClient, policy: HttpPolicy
    ) -> Self | None:
        """Configured when ``PAYWIRE_COINBASE__API_KEY`` is set."""
        client = CoinbaseClient.from_settings(settings.coinbase, http, policy)
        return cls(client) if client is not None else None

    async def create_checkout(self, request: CheckoutRequest) -> Checkout:
        """A charge; the details send the customer to its hosted page."""
        name = request.product or "Payment"
        with translated():
            charge = await self._client.create_charge(
                name=name,
                description=request.description or name,
                price=Money(request.amount, request.currency),
                metadata={"paywire_session_id": request.session_id},
                redirect_url=request.return_url,
            )
        details = {
            "type": "coinbase_charge",
            "hosted_url": charge.hosted_url,
            "charge_id": charge.id,
            "code": charge.code,
        }
        return Checkout(details=details, provider_payment_ids=(charge.id, charge.code))

    async def fetch_status(self, request: StatusRequest) -> ProviderEvent | None:
        """The status of the session's charge (its id and code name the same charge)."""
        first = request.provider_payment_ids[:1]
        return await settled_status(request.session_id, first, self._client.charge_status)

    async def fetch_refund(self, request: RefundStatusRequest) -> ProviderEvent | None:
        """Always None: Coinbase Commerce has no refunds to ask about."""
        return None

    async def refund(self, request: RefundRequest) -> RefundResult:
        """Always refused: Coinbase Commerce cannot refund through its API."""
        raise GatewayError(
            "refund_unsupported",
            "Coinbase Commerce has no refund API: return the crypto from the merchant's wallet",
        )
