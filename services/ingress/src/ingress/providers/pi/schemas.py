"""The Pi Platform API's payment object (``PaymentDTO``) and the bodies the Pi routes accept.

Amounts are JSON numbers in π; they are parsed as ``Decimal`` from the JSON text itself
(``parse_float=Decimal``), never through a float, and Pi's 7 decimals fit ``Money("PI")``
exactly. ``metadata`` is whatever the app passed to ``Pi.createPayment``; paywire reads
``metadata.paywire_session_id``.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "PAYMENT_ID",
    "IncompletePaymentBody",
    "PaymentState",
    "PiPayment",
    "PiPaymentStatus",
    "PiTransaction",
    "TxidBody",
    "parse_json",
]

_PAYMENT_ID = r"[A-Za-z0-9_-]{1,128}"
PAYMENT_ID = re.compile(_PAYMENT_ID)
"""A Pi payment identifier (28 letters and digits today); anything else never reaches Pi."""
_SESSION_KEY = "paywire_session_id"

PaymentId = Annotated[str, Field(pattern=f"^{_PAYMENT_ID}$")]
Txid = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


def parse_json(text: bytes | str) -> Any:
    """JSON with every non-integer number as an exact ``Decimal``."""
    return json.loads(text, parse_float=Decimal)


class PaymentState(StrEnum):
    """Where a Pi payment stands, from its status flags and transaction."""

    CREATED = "created"
    APPROVED = "approved"
    TRANSACTION_UNVERIFIED = "transaction_unverified"
    AWAITING_COMPLETION = "awaiting_completion"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class PiModel(BaseModel):
    """Immutable, tolerant of fields paywire does not read."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)


class PiPaymentStatus(PiModel):
    """``status``: the flags of Server-Side Approval, the blockchain and Completion."""

    developer_approved: bool
    transaction_verified: bool
    developer_completed: bool
    cancelled: bool
    user_cancelled: bool


class PiTransaction(PiModel):
    """``transaction``: the blockchain transaction, once the user submitted one."""

    txid: str = Field(min_length=1)
    verified: bool
    link: str = Field(default="", alias="_link")


class PiPayment(PiModel):
    """A ``PaymentDTO``."""

    identifier: PaymentId
    user_uid: str
    amount: Decimal
    memo: str = ""
    metadata: dict[str, Any] | None = None
    from_address: str | None = None
    to_address: str | None = None
    direction: str
    created_at: str
    network: str | None = None
    status: PiPaymentStatus
    transaction: PiTransaction | None = None

    @property
    def session_id(self) -> str | None:
        """``metadata.paywire_session_id`` when it is a string."""
        value = (self.metadata or {}).get(_SESSION_KEY)
        return value if isinstance(value, str) else None

    @property
    def state(self) -> PaymentState:
        """The payment's state; a cancellation wins over everything else."""
        status, transaction = self.status, self.transaction
        if status.cancelled or status.user_cancelled:
            return PaymentState.CANCELLED
        if status.developer_completed:
            return PaymentState.COMPLETED
        if transaction is not None:
            verified = transaction.verified and status.transaction_verified
            return (
                PaymentState.AWAITING_COMPLETION
                if verified
                else PaymentState.TRANSACTION_UNVERIFIED
            )
        if status.developer_approved:
            return PaymentState.APPROVED
        return PaymentState.CREATED


class TxidBody(PiModel):
    """``POST /pi/payments/{id}/complete``: the txid the SDK handed the app."""

    txid: Txid


class IncompletePaymentBody(PiModel):
    """``POST /pi/payments/incomplete``: the payment object the SDK handed the app.

    Only its ``identifier`` is used; everything else is read again from the Pi API.
    """

    identifier: PaymentId
