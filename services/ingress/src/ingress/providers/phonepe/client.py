"""PhonePe's PG v1 API: start a payment on PhonePe's pay page, check a status, refund.

- ``POST /pg/v1/pay`` and ``POST /pg/v1/refund`` send ``{"request": <base64 of the JSON
  request>}`` with ``X-VERIFY: hex(SHA-256(<base64> + <endpoint> + <salt key>)) + "###" +
  <salt index>``.
- ``GET /pg/v1/status/{merchantId}/{merchantTransactionId}`` sends ``X-VERIFY`` over the
  path and the salt key, and ``X-MERCHANT-ID``.

The endpoints' paths are signed without the API base's own path (``/apis/hermes``). The
first configured salt key signs. Answers and errors are ``{success, code, message, data}``;
a status check of an unknown transaction answers ``TRANSACTION_NOT_FOUND``, which
``check_status`` returns like any other answer. Neither a pay request nor a refund carries
an idempotency key, so neither is retried (PhonePe refuses a merchant transaction id it has
seen); status checks are.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any, Self

import httpx
from common.events import ProviderEvent
from common.provider_settings import PhonepeSettings

from ingress.providers.http import (
    ApiReply,
    HttpPolicy,
    ProviderApi,
    ProviderApiError,
    read_model,
    reading,
)
from ingress.providers.phonepe.resources import (
    TRANSACTION_NOT_FOUND,
    PayAnswer,
    TransactionStatus,
)
from ingress.providers.phonepe.status import transaction_status_event

__all__ = ["PhonepeClient", "StatusCheck", "is_transaction_id", "x_verify"]

PAY_PATH = "/pg/v1/pay"
REFUND_PATH = "/pg/v1/refund"
_TRANSACTION_ID = re.compile(r"[A-Za-z0-9_-]{1,63}")


def x_verify(signed: str, salt_key: str, salt_index: int) -> str:
    """``X-VERIFY`` for ``signed`` (base64 body + endpoint, or the status path)."""
    return f"{hashlib.sha256((signed + salt_key).encode()).hexdigest()}###{salt_index}"


def is_transaction_id(value: str) -> bool:
    """True for an id PhonePe accepts as a merchant transaction id (letters, digits, _ -)."""
    return _TRANSACTION_ID.fullmatch(value) is not None


@dataclass(frozen=True, slots=True)
class StatusCheck:
    """A Check Status answer and the ``api_confirmed`` event it reports, if any."""

    answer: TransactionStatus
    event: ProviderEvent | None


class PhonepeClient:
    """The PhonePe calls paywire makes, for one merchant id and salt key."""

    def __init__(self, api: ProviderApi, merchant_id: str, salt_index: int, salt_key: str) -> None:
        self._api = api
        self.merchant_id = merchant_id
        self._salt_index = salt_index
        self._salt_key = salt_key

    def __repr__(self) -> str:
        return f"PhonepeClient({self._api!r}, {self.merchant_id!r})"

    @classmethod
    def from_settings(
        cls, settings: PhonepeSettings, http: httpx.AsyncClient, policy: HttpPolicy | None = None
    ) -> Self | None:
        """A client for ``PAYWIRE_PHONEPE__MERCHANT_ID`` and the first of ``__SALT_KEYS``."""
        if not settings.merchant_id or not settings.salt_keys:
            return None
        index, key = next(iter(settings.salt_keys.items()))
        api = ProviderApi("phonepe", http, settings.api_base, parse_error=_error, policy=policy)
        return cls(api, settings.merchant_id, index, key.get_secret_value())

    async def pay(
        self,
        *,
        merchant_transaction_id: str,
        merchant_user_id: str,
        amount: int,
        redirect_url: str,
        callback_url: str,
    ) -> str:
        """Open PhonePe's pay page for ``amount`` paise; the URL to send the customer to."""
        request = {
            "merchantId": self.merchant_id,
            "merchantTransactionId": _checked(merchant_transaction_id),
            "merchantUserId": merchant_user_id,
            "amount": amount,
            "redirectUrl": redirect_url,
            "redirectMode": "REDIRECT",
            "callbackUrl": callback_url,
            "paymentInstrument": {"type": "PAY_PAGE"},
        }
        reply = await self._post(PAY_PATH, request)
        return read_model("PhonePe", PayAnswer, reply).data.instrument_response.redirect_info.url

    async def check_status(self, merchant_transaction_id: str) -> StatusCheck:
        """``GET /pg/v1/status/...``: PhonePe's answer about the transaction, and its event."""
        path = f"/pg/v1/status/{self.merchant_id}/{_checked(merchant_transaction_id)}"
        headers = {
            "X-VERIFY": x_verify(path, self._salt_key, self._salt_index),
            "X-MERCHANT-ID": self.merchant_id,
        }
        try:
            reply = await self._api.call("GET", path, headers=headers)
        except ProviderApiError as exc:
            if exc.code != TRANSACTION_NOT_FOUND or exc.status is None or exc.status >= 500:
                raise
            return StatusCheck(TransactionStatus(code=exc.code, message=exc.message), None)
        answer = read_model("PhonePe", TransactionStatus, reply)
        with reading("PhonePe", "transaction status"):
            event = transaction_status_event(
                answer, reply.raw, self.merchant_id, merchant_transaction_id
            )
        return StatusCheck(answer, event)

    async def refund(
        self,
        *,
        merchant_transaction_id: str,
        original_transaction_id: str,
        amount: int,
        callback_url: str,
    ) -> TransactionStatus:
        """Refund ``amount`` paise of ``original_transaction_id`` (the payment's merchant
        transaction id) as the new merchant transaction ``merchant_transaction_id``."""
        request = {
            "merchantId": self.merchant_id,
            "merchantTransactionId": _checked(merchant_transaction_id),
            "originalTransactionId": original_transaction_id,
            "amount": amount,
            "callbackUrl": callback_url,
        }
        reply = await self._post(REFUND_PATH, request)
        return read_model("PhonePe", TransactionStatus, reply)

    async def _post(self, endpoint: str, request: dict[str, Any]) -> ApiReply:
        encoded = base64.b64encode(json.dumps(request).encode()).decode()
        headers = {"X-VERIFY": x_verify(encoded + endpoint, self._salt_key, self._salt_index)}
        return await self._api.call(
            "POST", endpoint, repeatable=False, json={"request": encoded}, headers=headers
        )


def _checked(transaction_id: str) -> str:
    if not is_transaction_id(transaction_id):
        raise ValueError(f"{transaction_id!r} is not a PhonePe merchant transaction id")
    return transaction_id


def _error(body: Any) -> tuple[str | None, str | None]:
    """``code`` and ``message`` of a ``{success, code, message}`` error answer."""
    if not isinstance(body, dict):
        return None, None
    code, message = body.get("code"), body.get("message")
    return (
        code if isinstance(code, str) and code else None,
        message if isinstance(message, str) and message else None,
    )
