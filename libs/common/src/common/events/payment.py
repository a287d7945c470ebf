"""Events the ledger publishes when a session changes: routing key ``payment.<status>``."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

__all__ = ["PaymentEvent", "PaymentStatus"]


class PaymentStatus(StrEnum):
    """Session statuses of CONTRACT.md."""

    CREATED = "created"
    PENDING = "pending"
    PAID = "paid"
    FAILED = "failed"
    REVIEW = "review"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    DISPUTED = "disputed"
    CHARGED_BACK = "charged_back"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class PaymentEvent(BaseModel):
    """A session moved to ``status``. Carries what downstream services need to act alone."""

    model_config = ConfigDict(frozen=True)

    session_id: str
    merchant_id: str
    merchant_name: str
    status: PaymentStatus
    previous_status: PaymentStatus
    amount: int
    currency: str
    amount_refunded: int = 0
    provider: str
    customer: dict[str, Any] = {}
    product: str | None = None
    description: str | None = None
    reference: str | None = None
    metadata: dict[str, str] = {}
    occurred_at: datetime

    @property
    def routing_key(self) -> str:
        """``payment.<status>``."""
        return f"payment.{self.status.value}"
