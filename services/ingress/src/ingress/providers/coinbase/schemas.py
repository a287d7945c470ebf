"""Coinbase Commerce's webhook payload models and the charge events paywire reads.

A delivery is an envelope ``{"id", "scheduled_for", "attempt_number", "event"}``; the
``event`` carries its own ``id``, ``type`` and ``data`` (the charge). Amounts are decimal
strings in major units (``"49.00"``), read exactly with ``Decimal``. Only the fields paywire
uses are declared; extras are ignored.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictStr

__all__ = [
    "Charge",
    "CoinbaseEvent",
    "CoinbaseEventType",
    "CoinbaseWebhook",
    "Price",
    "Pricing",
    "TimelineEntry",
]


class CoinbaseEventType(StrEnum):
    """Coinbase Commerce's charge events; every other type is ignored."""

    CHARGE_CREATED = "charge:created"
    CHARGE_PENDING = "charge:pending"
    CHARGE_CONFIRMED = "charge:confirmed"
    CHARGE_FAILED = "charge:failed"
    CHARGE_DELAYED = "charge:delayed"
    CHARGE_RESOLVED = "charge:resolved"


class CoinbaseModel(BaseModel):
    """Immutable, tolerant of fields paywire does not read."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class CoinbaseEvent(CoinbaseModel):
    """The ``event`` inside a delivery."""

    id: str = Field(min_length=1)
    type: str
    created_at: AwareDatetime
    data: dict[str, Any]


class CoinbaseWebhook(CoinbaseModel):
    """A delivery; its own ``id`` numbers the delivery, not the event."""

    event: CoinbaseEvent


class Price(CoinbaseModel):
    """An amount in major units, as a decimal string, and its currency."""

    amount: StrictStr
    currency: StrictStr


class Pricing(CoinbaseModel):
    """A charge's prices; ``local`` is the price the merchant set."""

    local: Price | None = None


class TimelineEntry(CoinbaseModel):
    """One status the charge went through; ``context`` qualifies it (``UNDERPAID``)."""

    status: str
    context: str | None = None


class Charge(CoinbaseModel):
    """A ``charge``, the ``data`` of every ``charge:*`` event."""

    id: str | None = None
    code: str | None = None
    metadata: dict[str, Any] | None = None
    pricing: Pricing | None = None
    timeline: list[TimelineEntry] = []
