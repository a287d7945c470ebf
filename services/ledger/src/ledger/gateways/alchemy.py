"""On-chain deposits watched by Alchemy Notify, as a ``Gateway``: a deposit address per session.

The checkout holds an address of ``PAYWIRE_ALCHEMY__DEPOSIT_ADDRESSES`` on a network that
accepts the session's currency (its native coin, or a token paywire knows by contract;
``ingress.providers.alchemy.schemas``) for the session alone (``ledger.deposit_addresses``),
and records ``address:<network>:<address>``, under which Alchemy's webhook reports a
transfer to it. With every such address held by an open session, the checkout answers 503
``no_deposit_address``.

Alchemy is a notification service, not a payment provider: there is no payment to ask
about (``fetch_status`` answers None; confirmations arrive only as Alchemy webhooks) and
nothing to refund through (``refund`` refuses: send the coins back from the wallet).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self

from common.events import ProviderEvent
from common.money import Money
from common.provider_settings import DepositAddress
from common.settings import Settings
from common.web import ApiError
from ingress.providers.alchemy import deposit_address_id
from ingress.providers.alchemy.schemas import NATIVE_ASSETS, TOKENS
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ledger import deposit_addresses
from ledger.gateways.base import (
    Checkout,
    CheckoutRequest,
    GatewayError,
    RefundRequest,
    RefundResult,
    RefundStatusRequest,
    StatusRequest,
)
from ledger.gateways.currency import unsupported_currency

__all__ = ["AlchemyGateway", "accepted_assets"]


def accepted_assets(network: str) -> frozenset[str]:
    """The currencies paywire accepts on ``network``: its native coin and known tokens."""
    tokens = {asset for (chain, _), asset in TOKENS.items() if chain == network}
    return NATIVE_ASSETS.get(network, frozenset()) | tokens


class AlchemyGateway:
    """Deposit addresses for on-chain payments; no provider API."""

    provider = "alchemy"

    def __init__(
        self, factory: async_sessionmaker[AsyncSession], pool: Sequence[DepositAddress]
    ) -> None:
        self._factory = factory
        self._pool = tuple(pool)

    @classmethod
    def from_settings(
        cls, settings: Settings, factory: async_sessionmaker[AsyncSession]
    ) -> Self | None:
        """Configured when ``PAYWIRE_ALCHEMY__DEPOSIT_ADDRESSES`` lists addresses."""
        pool = settings.alchemy.deposit_addresses
        return cls(factory, pool) if pool else None

    async def create_checkout(self, request: CheckoutRequest) -> Checkout:
        """A deposit address held for the session; 503 when none is free."""
        currency = request.currency.upper()
        candidates = [a for a in self._pool if currency in accepted_assets(a.network)]
        if not candidates:
            assets = set().union(*(accepted_assets(a.network) for a in self._pool))
            raise unsupported_currency(self.provider, currency, ", ".join(sorted(assets)))
        held = await deposit_addresses.allocate(self._factory, request.session_id, candidates)
        if held is None:
            raise ApiError(
                503,
                "no_deposit_address",
                f"every deposit address for {currency} is held by an open session; retry later",
                {"provider": self.provider, "currency": currency},
            )
        amount = Money(request.amount, currency)
        details = {
            "type": "crypto_deposit",
            "network": held.network,
            "address": held.address,
            "asset": amount.currency,
            "amount": format(amount.to_major().normalize(), "f"),
        }
        return Checkout(details=details, provider_payment_ids=(deposit_address_id(*held),))

    async def fetch_status(self, request: StatusRequest) -> ProviderEvent | None:
        """Always None: on-chain payments are confirmed by Alchemy's webhooks alone."""
        return None

    async def fetch_refund(self, request: RefundStatusRequest) -> ProviderEvent | None:
        """Always None: on-chain deposits have no refunds to ask about."""
        return None

    async def refund(self, request: RefundRequest) -> RefundResult:
        """Always refused: an on-chain payment is returned from the merchant's wallet."""
        raise GatewayError(
            "refund_unsupported",
            "on-chain deposits have no refund API: send the coins back from your wallet",
        )
