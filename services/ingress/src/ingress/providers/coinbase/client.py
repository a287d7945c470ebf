"""The Coinbase Commerce API: JSON, ``X-CC-Api-Key`` and ``X-CC-Version: 2018-03-22``.

Charges have no idempotency key, so creating one is never retried (a lost charge expires
unpaid). GETs are retried. Coinbase Commerce has no refund API: crypto is returned from the
merchant's own wallet, outside paywire. Errors are ``{"error": {"type", "message"}}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

import httpx
from common.events import ProviderEvent
from common.money import Money, exponent_of
from common.provider_settings import CoinbaseSettings

from ingress.providers.coinbase.resources import ChargeAnswer, HostedCharge
from ingress.providers.coinbase.status import charge_status_event
from ingress.providers.http import HttpPolicy, ProviderApi, error_object, read_model, reading

__all__ = ["API_VERSION", "CoinbaseClient", "major_amount"]

_ERRORS = error_object("type", message_key="message")

API_VERSION = "2018-03-22"


class CoinbaseClient:
    """The Coinbase Commerce calls paywire makes: create a charge, read a charge."""

    def __init__(self, api: ProviderApi) -> None:
        self._api = api

    @classmethod
    def from_settings(
        cls, settings: CoinbaseSettings, http: httpx.AsyncClient, policy: HttpPolicy | None = None
    ) -> Self | None:
        """A client for ``PAYWIRE_COINBASE__API_KEY`` at ``__API_BASE``; None without a key."""
        if settings.api_key is None or not settings.api_key.get_secret_value():
            return None
        headers = {"X-CC-Api-Key": settings.api_key.get_secret_value(), "X-CC-Version": API_VERSION}
        return cls(
            ProviderApi(
                "coinbase",
                http,
                settings.api_base,
                parse_error=_ERRORS,
                headers=headers,
                policy=policy,
            )
        )

    async def create_charge(
        self,
        *,
        name: str,
        description: str,
        price: Money,
        metadata: Mapping[str, str],
        redirect_url: str | None = None,
    ) -> HostedCharge:
        """``POST /charges`` at a fixed price in ``price``'s currency."""
        body: dict[str, Any] = {
            "name": name[:100],
            "description": description[:200],
            "pricing_type": "fixed_price",
            "local_price": {"amount": major_amount(price), "currency": price.currency},
            "metadata": dict(metadata),
        }
        if redirect_url is not None:
            body |= {"redirect_url": redirect_url, "cancel_url": redirect_url}
        reply = await self._api.call("POST", "/charges", json=body)
        return read_model("Coinbase Commerce", ChargeAnswer, reply).data

    async def charge_status(self, charge_id: str) -> ProviderEvent | None:
        """``GET /charges/{id or code}``, read as an ``api_confirmed`` event."""
        reply = await self._api.call("GET", f"/charges/{charge_id}")
        with reading("Coinbase Commerce", "charge"):
            charge = read_model("Coinbase Commerce", ChargeAnswer, reply).data
            return charge_status_event(charge, reply.raw)


def major_amount(price: Money) -> str:
    """``price`` in major units with its currency's digits: ``"49.00"``, ``"1000"``."""
    return f"{price.to_major():.{exponent_of(price.currency)}f}"
