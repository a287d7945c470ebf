"""PhonePe's Check Status API (PG v1), a ``StatusChecker``.

``GET {api_base}/pg/v1/status/{merchantId}/{merchantTransactionId}`` with
``X-VERIFY: hex(SHA-256("/pg/v1/status/{merchantId}/{merchantTransactionId}" + salt key))
+ "###" + salt index`` and ``X-MERCHANT-ID``. The answer is ``{success, code, message,
data: {merchantId, merchantTransactionId, transactionId, amount, state, ...}}``; a payment
succeeded when ``code`` is ``PAYMENT_SUCCESS`` and ``data.state`` is ``COMPLETED``. paywire
uses the session id as the merchant transaction (v1) and order (v2) id, so the v2 webhook's
``merchantOrderId`` is what is asked about. The first configured salt key signs requests.
"""

from __future__ import annotations

import hashlib
import re
from typing import Annotated, Self

import httpx
from common.events import ProviderEvent, ProviderEventKind, RawBody, VerifiedBy
from common.settings import Settings
from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError
from pydantic.alias_generators import to_camel

from ledger.adapters.status import StatusAnswer, StatusCheckFailed

__all__ = ["PhonepeStatusChecker"]

_TIMEOUT = httpx.Timeout(10.0, connect=3.0)
_TRANSACTION_ID = re.compile(r"[A-Za-z0-9_-]{1,63}")
_SUCCESS = "PAYMENT_SUCCESS"
_COMPLETED = "COMPLETED"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", alias_generator=to_camel)


class _StatusData(_Model):
    merchant_id: str
    merchant_transaction_id: str
    transaction_id: str = Field(min_length=1)
    amount: Annotated[StrictInt, Field(ge=0)]
    state: str


class _StatusResponse(_Model):
    code: str
    data: _StatusData | None = None


class PhonepeStatusChecker:
    """Confirms PhonePe payments through the Check Status API."""

    def __init__(
        self,
        api_base: str,
        merchant_id: str,
        salt_index: int,
        salt_key: str,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._merchant_id = merchant_id
        self._salt_index = salt_index
        self._salt_key = salt_key
        self._http = httpx.AsyncClient(
            base_url=api_base.rstrip("/"), timeout=_TIMEOUT, transport=transport
        )

    def __repr__(self) -> str:
        return f"PhonepeStatusChecker({str(self._http.base_url)!r}, {self._merchant_id!r})"

    @classmethod
    def from_settings(cls, settings: Settings) -> Self | None:
        """Configured when ``PAYWIRE_PHONEPE__MERCHANT_ID`` and ``__SALT_KEYS`` are set."""
        phonepe = settings.phonepe
        if not phonepe.merchant_id or not phonepe.salt_keys:
            return None
        index, key = next(iter(phonepe.salt_keys.items()))
        return cls(phonepe.api_base, phonepe.merchant_id, index, key.get_secret_value())

    async def check(self, event: ProviderEvent) -> StatusAnswer:
        """The status of the transaction whose merchant id is ``event.session_ref``."""
        transaction = event.session_ref or ""
        if not _TRANSACTION_ID.fullmatch(transaction):
            return StatusAnswer("not a PhonePe merchant transaction id")
        path = f"/pg/v1/status/{self._merchant_id}/{transaction}"
        digest = hashlib.sha256(f"{path}{self._salt_key}".encode()).hexdigest()
        headers = {
            "Content-Type": "application/json",
            "X-VERIFY": f"{digest}###{self._salt_index}",
            "X-MERCHANT-ID": self._merchant_id,
        }
        try:
            response = await self._http.get(path, headers=headers)
        except httpx.HTTPError as exc:
            raise StatusCheckFailed(f"PhonePe did not answer: {type(exc).__name__}") from exc
        if response.status_code >= 500:
            raise StatusCheckFailed(f"PhonePe answered {response.status_code}")
        try:
            answer = _StatusResponse.model_validate_json(response.content)
        except ValidationError as exc:
            raise StatusCheckFailed(f"PhonePe answered {response.status_code}, no status") from exc
        return StatusAnswer(answer.code, self._confirmed(answer, transaction, response.text))

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    def _confirmed(
        self, answer: _StatusResponse, transaction: str, text: str
    ) -> ProviderEvent | None:
        data = answer.data
        if (
            answer.code != _SUCCESS
            or data is None
            or data.state != _COMPLETED
            or data.merchant_transaction_id != transaction
            or data.merchant_id != self._merchant_id
        ):
            return None
        return ProviderEvent(
            provider="phonepe",
            provider_event_id=f"status:{transaction}:{data.transaction_id}",
            provider_event_type=f"status.{answer.code}",
            kind=ProviderEventKind.PAYMENT_SUCCEEDED,
            verified_by=VerifiedBy.API_CONFIRMED,
            session_ref=transaction,
            provider_payment_ids=(data.transaction_id,),
            amount=data.amount,
            currency="INR",
            raw=RawBody(content_type="application/json", text=text),
        )
