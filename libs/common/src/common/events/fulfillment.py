"""Events fulfillment publishes: ``fulfillment.issued`` and ``fulfillment.revoked``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

__all__ = ["FulfillmentIssued", "FulfillmentRevoked"]


class FulfillmentIssued(BaseModel):
    """A paid session got its invoice, API key and access token.

    ``access_url`` embeds the access token: it is the customer's link to the invoice and
    the key, and the notifier mails it. The API key itself never travels in an event.
    """

    model_config = ConfigDict(frozen=True)

    session_id: str
    merchant_id: str
    merchant_name: str
    customer: dict[str, Any] = {}
    product: str | None = None
    amount: int
    currency: str
    invoice_id: str
    invoice_number: str
    api_key_id: str
    access_url: str
    token_expires_at: datetime
    occurred_at: datetime

    @property
    def routing_key(self) -> str:
        """``fulfillment.issued``."""
        return "fulfillment.issued"


class FulfillmentRevoked(BaseModel):
    """A refund or charge-back revoked the session's API key and access token."""

    model_config = ConfigDict(frozen=True)

    session_id: str
    merchant_id: str
    customer: dict[str, Any] = {}
    invoice_id: str
    api_key_id: str
    reason: str
    occurred_at: datetime

    @property
    def routing_key(self) -> str:
        """``fulfillment.revoked``."""
        return "fulfillment.revoked"
