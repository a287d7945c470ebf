"""The Coinbase Commerce API objects the client reads besides the webhook payloads.

Answers wrap the object in ``{"data": ...}``; a created charge adds its hosted page.
"""

from __future__ import annotations

from pydantic import Field

from ingress.providers.coinbase.schemas import Charge, CoinbaseModel

__all__ = ["ChargeAnswer", "HostedCharge"]


class HostedCharge(Charge):
    """A charge with the ids and the hosted payment page the customer is sent to."""

    id: str = Field(min_length=1)
    code: str = Field(min_length=1)
    hosted_url: str = Field(min_length=1)


class ChargeAnswer(CoinbaseModel):
    """``{"data": charge}``, the answer of ``POST /charges`` and ``GET /charges/{id}``."""

    data: HostedCharge
