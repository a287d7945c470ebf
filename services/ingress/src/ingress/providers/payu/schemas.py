"""PayU India's callback: a form-encoded POST of the transaction's fields, and its statuses.

PayU posts the same fields to the merchant's ``surl``/``furl`` (through the customer's
browser) and to the server-to-server webhook URL. Only the fields paywire reads are
declared; PayU adds fields freely (``field0``..``field9``, ``PG_TYPE``, ...), so extras are
ignored. ``amount`` is a decimal rupee string (``"499.00"``), never a float.
"""

from __future__ import annotations

from enum import StrEnum
from urllib.parse import parse_qsl

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["PayuCallback", "PayuStatus", "parse_form"]

_MAX_FIELDS = 200
"""PayU sends about 60 fields; far more is not a PayU callback."""


class PayuStatus(StrEnum):
    """The ``status`` values paywire acts on; PayU's docs spell a failure both ways."""

    SUCCESS = "success"
    FAILURE = "failure"
    FAILED = "failed"
    PENDING = "pending"


def parse_form(body: bytes) -> dict[str, str]:
    """The fields of a form-encoded body; a repeated field or a malformed pair is refused.

    Verification and normalization both read the body through this one function, so the
    values that were hashed are the values that are used.
    """
    pairs = parse_qsl(
        body.decode(),
        keep_blank_values=True,
        strict_parsing=True,
        errors="strict",
        max_num_fields=_MAX_FIELDS,
    )
    fields: dict[str, str] = {}
    for name, value in pairs:
        if name in fields:
            raise ValueError("a form field is repeated")
        fields[name] = value
    return fields


class PayuCallback(BaseModel):
    """The callback fields paywire reads (all strings, as posted)."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    txnid: str = Field(min_length=1)
    status: str
    amount: str
    mihpayid: str = ""
    udf1: str = ""
    addedon: str = ""
    error_message: str = Field(default="", alias="error_Message")
