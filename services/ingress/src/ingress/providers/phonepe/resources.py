"""The answers of PhonePe's PG v1 API the client reads: ``{success, code, message, data}``.

The pay answer's ``data.instrumentResponse.redirectInfo.url`` is PhonePe's payment page;
the status and refund answers describe one transaction (``data.state``: ``PENDING``,
``COMPLETED`` or ``FAILED``). An error answer has the same shape with no ``data``.
"""

from __future__ import annotations

from ingress.providers.phonepe.schemas import Paise, PhonepeModel

__all__ = [
    "TRANSACTION_NOT_FOUND",
    "InstrumentResponse",
    "PayAnswer",
    "PayData",
    "RedirectInfo",
    "TransactionData",
    "TransactionStatus",
]

TRANSACTION_NOT_FOUND = "TRANSACTION_NOT_FOUND"
"""The code of a status check about a merchant transaction PhonePe does not know."""


class RedirectInfo(PhonepeModel):
    """Where the customer's browser goes to pay."""

    url: str
    method: str = "GET"


class InstrumentResponse(PhonepeModel):
    """The pay page the request opened (``type`` ``PAY_PAGE``)."""

    type: str
    redirect_info: RedirectInfo


class PayData(PhonepeModel):
    """``data`` of a pay answer."""

    merchant_transaction_id: str
    instrument_response: InstrumentResponse


class PayAnswer(PhonepeModel):
    """The answer of ``POST /pg/v1/pay`` (``code`` ``PAYMENT_INITIATED``)."""

    code: str
    data: PayData


class TransactionData(PhonepeModel):
    """``data`` of a status or refund answer: one transaction and its state."""

    merchant_id: str
    merchant_transaction_id: str
    transaction_id: str | None = None
    amount: Paise
    state: str
    response_code: str | None = None


class TransactionStatus(PhonepeModel):
    """A status check's or a refund's answer; no ``data`` when PhonePe knows no transaction."""

    code: str
    message: str = ""
    data: TransactionData | None = None
