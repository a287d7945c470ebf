"""The payload paywire reads from Standard Webhooks senders, and its event types.

Standard Webhooks fixes the envelope (``type``, ``timestamp``, ``data``), not the data, so
paywire documents the data it understands::

    {"type": "payment.succeeded",                 # or payment.failed, refund.succeeded
     "timestamp": "2024-05-01T12:00:00Z",
     "data": {"paywire_session_id": "ses_...",    # optional when payment_id was recorded
              "payment_id": "pay_123",            # the sender's payment id
              "amount": 4900,                     # integer minor units (of this refund)
              "currency": "EUR",
              "refund_id": "re_456",              # refund.succeeded only
              "reason": "card declined"}}         # optional, payment.failed
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictInt, StrictStr

__all__ = ["PaymentData", "RefundData", "StandardEvent", "StandardEventType"]

MinorUnits = Annotated[StrictInt, Field(ge=0)]


class StandardEventType(StrEnum):
    """The event types paywire acts on; every other type is ignored."""

    PAYMENT_SUCCEEDED = "payment.succeeded"
    PAYMENT_FAILED = "payment.failed"
    REFUND_SUCCEEDED = "refund.succeeded"


class StandardModel(BaseModel):
    """Immutable, tolerant of fields paywire does not read."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class StandardEvent(StandardModel):
    """The Standard Webhooks envelope."""

    type: str
    timestamp: AwareDatetime
    data: dict[str, Any]


class PaymentData(StandardModel):
    """``data`` of ``payment.succeeded`` and ``payment.failed``."""

    paywire_session_id: StrictStr | None = None
    payment_id: str = Field(min_length=1)
    amount: MinorUnits
    currency: str
    reason: str | None = None


class RefundData(PaymentData):
    """``data`` of ``refund.succeeded``: ``amount`` is this refund's amount."""

    refund_id: str = Field(min_length=1)
