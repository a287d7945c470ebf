"""The answers of PayU's merchant API (``postservice.php?form=2``) the client reads.

PayU answers HTTP 200 whatever happened: ``status`` in the body is 1 when the command was
carried out and 0 when it was refused, with ``msg`` (and, for refunds, ``error_code``).
Amounts are decimal rupee strings; ids may come as strings or numbers and are read as text.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

__all__ = ["REFUND_TOKEN_EXISTS", "RefundAnswer", "Transaction", "VerifyAnswer"]

REFUND_TOKEN_EXISTS = 106
"""``error_code`` of a refund whose token PayU already holds: the same refund, asked again."""


def _text(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Text = Annotated[str, BeforeValidator(_text)]


class PayuApiModel(BaseModel):
    """Immutable, tolerant of the many fields paywire does not read."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)


class Transaction(PayuApiModel):
    """One entry of ``transaction_details``; PayU reports an unknown txnid with ``mihpayid``
    and ``status`` both ``Not Found``."""

    mihpayid: Text
    status: str
    txnid: str = ""
    amt: str = ""
    udf1: str = ""
    error_message: str = Field(default="", alias="error_Message")


class VerifyAnswer(PayuApiModel):
    """The answer of ``verify_payment``: the transactions asked about, by txnid."""

    status: int
    msg: str = ""
    transaction_details: dict[str, Transaction] = {}


class RefundAnswer(PayuApiModel):
    """The answer of ``cancel_refund_transaction``; ``request_id`` is PayU's refund id."""

    status: int
    msg: str = ""
    request_id: Text | None = None
    error_code: int | None = None
