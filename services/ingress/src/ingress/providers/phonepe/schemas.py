"""PhonePe's two callback formats, the codes and states paywire reads, and amounts in paise.

- **PG v1** (``/pg/v1/pay``): the body is ``{"response": "<base64 JSON>"}``; the JSON is
  the transaction-status answer: ``{success, code, message, data: {merchantId,
  merchantTransactionId, transactionId, amount, state, responseCode, ...}}``.
- **v2** (Standard/Custom Checkout webhooks): ``{"event": "checkout.order.completed",
  "payload": {merchantOrderId, orderId, state, amount, paymentDetails, ...}}``; refunds carry
  ``originalMerchantOrderId``, ``merchantRefundId`` and ``refundId``. PhonePe says to rely on
  ``payload.state`` for the outcome, and to ignore fields it does not know.
"""

from __future__ import annotations

import base64
import json
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt
from pydantic.alias_generators import to_camel

__all__ = [
    "PaymentDetail",
    "V1Body",
    "V1Callback",
    "V1Code",
    "V2Event",
    "V2Order",
    "V2Refund",
    "V2State",
    "V2Webhook",
    "decode_v1",
    "is_v1_callback",
]

Paise = Annotated[StrictInt, Field(ge=0)]
EpochMillis = Annotated[StrictInt, Field(ge=0, le=253_402_300_799_999)]  # up to year 9999


def is_v1_callback(payload: Any) -> bool:
    """True for a PG v1 callback body (a JSON object with ``response``), else a v2 webhook.

    Verification and normalization both decide the scheme with this one function, so a
    body is always read the way it was verified.
    """
    return isinstance(payload, dict) and "response" in payload


def decode_v1(response: str) -> Any:
    """The JSON inside a v1 callback's base64 ``response``."""
    return json.loads(base64.b64decode(response, validate=True))


class V1Code(StrEnum):
    """v1 callback codes paywire acts on; the others are ignored."""

    PAYMENT_SUCCESS = "PAYMENT_SUCCESS"
    PAYMENT_ERROR = "PAYMENT_ERROR"
    PAYMENT_PENDING = "PAYMENT_PENDING"
    PAYMENT_DECLINED = "PAYMENT_DECLINED"
    TIMED_OUT = "TIMED_OUT"


class V2Event(StrEnum):
    """v2 webhook events paywire acts on (Standard and Custom Checkout); the others are ignored."""

    CHECKOUT_ORDER_COMPLETED = "checkout.order.completed"
    CHECKOUT_ORDER_FAILED = "checkout.order.failed"
    PG_ORDER_COMPLETED = "pg.order.completed"
    PG_ORDER_FAILED = "pg.order.failed"
    PG_REFUND_COMPLETED = "pg.refund.completed"
    PG_REFUND_FAILED = "pg.refund.failed"


class V2State(StrEnum):
    """``payload.state`` values paywire maps; the others are ignored."""

    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    PENDING = "PENDING"
    EXPIRED = "EXPIRED"


class PhonepeModel(BaseModel):
    """camelCase on the wire, immutable, tolerant of fields paywire does not read."""

    model_config = ConfigDict(frozen=True, extra="ignore", alias_generator=to_camel)


class V1Body(PhonepeModel):
    """A v1 callback body as posted: the signed, base64-encoded ``response``."""

    response: str


class V1Data(PhonepeModel):
    """``data`` of a v1 callback."""

    merchant_id: str
    merchant_transaction_id: str = Field(min_length=1)
    transaction_id: str = Field(min_length=1)
    amount: Paise
    state: str
    response_code: str | None = None


class V1Callback(PhonepeModel):
    """The decoded ``response`` of a v1 callback."""

    success: bool
    code: str
    message: str = ""
    data: V1Data


class PaymentDetail(PhonepeModel):
    """One payment attempt of a v2 order or refund."""

    transaction_id: str | None = None
    timestamp: EpochMillis | None = None
    state: str | None = None


class V2Webhook(PhonepeModel):
    """A v2 webhook: its ``event`` name and the object it is about."""

    event: str
    payload: dict[str, Any]


class V2Order(PhonepeModel):
    """``payload`` of an order event."""

    merchant_order_id: str = Field(min_length=1)
    order_id: str = Field(min_length=1)
    state: str
    amount: Paise
    error_code: str | None = None
    detailed_error_code: str | None = None
    payment_details: list[PaymentDetail] = []


class V2Refund(PhonepeModel):
    """``payload`` of a refund event."""

    original_merchant_order_id: str = Field(min_length=1)
    merchant_refund_id: str = Field(min_length=1)
    refund_id: str | None = None
    state: str
    amount: Paise
    error_code: str | None = None
    payment_details: list[PaymentDetail] = []
