"""The providers whose API the ledger calls, listed explicitly: one line per provider.

``GATEWAYS`` call a provider over HTTP; ``LEDGER_GATEWAYS`` keep their state in the
ledger's own tables instead (Alchemy's deposit addresses) and are built only with the
ledger's database.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
from common.settings import Settings
from ingress.providers.http import HttpPolicy
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ledger.gateways.alchemy import AlchemyGateway
from ledger.gateways.base import Gateway
from ledger.gateways.coinbase import CoinbaseGateway
from ledger.gateways.payu import PayuGateway
from ledger.gateways.phonepe import PhonepeGateway
from ledger.gateways.razorpay import RazorpayGateway
from ledger.gateways.stripe import StripeGateway
from ledger.gateways.upi import UpiGateway

__all__ = [
    "GATEWAYS",
    "LEDGER_GATEWAYS",
    "GatewayFactory",
    "LedgerGatewayFactory",
    "configured_gateways",
]

GatewayFactory = Callable[[Settings, httpx.AsyncClient, HttpPolicy], Gateway | None]
"""Builds a provider's gateway from the settings, or None when its API is not configured."""

GATEWAYS: dict[str, GatewayFactory] = {
    "stripe": StripeGateway.from_settings,
    "razorpay": RazorpayGateway.from_settings,
    "coinbase": CoinbaseGateway.from_settings,
    "payu": PayuGateway.from_settings,
    "phonepe": PhonepeGateway.from_settings,
    "upi": UpiGateway.from_settings,
}

LedgerGatewayFactory = Callable[[Settings, async_sessionmaker[AsyncSession]], Gateway | None]
"""Builds a gateway that works in the ledger's database, or None when it is not configured."""

LEDGER_GATEWAYS: dict[str, LedgerGatewayFactory] = {
    "alchemy": AlchemyGateway.from_settings,
}


def configured_gateways(
    settings: Settings,
    http: httpx.AsyncClient,
    policy: HttpPolicy | None = None,
    database: async_sessionmaker[AsyncSession] | None = None,
) -> dict[str, Gateway]:
    """The gateways configured in ``settings``, sharing ``http`` (its owner closes it);
    ``LEDGER_GATEWAYS`` only when given the ledger's ``database``."""
    chosen = policy or HttpPolicy()
    built = {name: make(settings, http, chosen) for name, make in GATEWAYS.items()}
    if database is not None:
        built |= {name: make(settings, database) for name, make in LEDGER_GATEWAYS.items()}
    return {name: gateway for name, gateway in built.items() if gateway is not None}
