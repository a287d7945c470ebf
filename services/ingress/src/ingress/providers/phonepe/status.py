"""A PhonePe Check Status answer, in paywire's event kinds.

An answer counts only when it is about the transaction asked about, of this merchant.
``PAYMENT_SUCCESS`` with ``data.state`` ``COMPLETED`` is a payment of ``data.amount``
paise; before it completes, and with ``PAYMENT_PENDING``, the payment is pending;
``PAYMENT_ERROR``, ``PAYMENT_DECLINED`` and ``TIMED_OUT`` are failures. Any other code
(``TRANSACTION_NOT_FOUND``, ``INTERNAL_SERVER_ERROR``, ...) reports nothing. The event is
``api_confirmed`` with the id ``status:<merchantTransactionId>:<transactionId>:<state>``,
so checking an unchanged transaction again yields the same event.
"""

from __future__ import annotations

from typing import assert_never

from common.events import ProviderEvent, ProviderEventKind, RawBody, VerifiedBy

from ingress.providers.phonepe.resources import TransactionData, TransactionStatus
from ingress.providers.phonepe.schemas import V1Code, V2State

__all__ = ["transaction_status_event"]

Kind = ProviderEventKind


def transaction_status_event(
    answer: TransactionStatus, raw: RawBody, merchant_id: str, merchant_transaction_id: str
) -> ProviderEvent | None:
    """The event ``answer`` reports about ``merchant_transaction_id``, or None."""
    data = answer.data
    if (
        data is None
        or data.merchant_id != merchant_id
        or data.merchant_transaction_id != merchant_transaction_id
    ):
        return None
    try:
        code = V1Code(answer.code)
    except ValueError:
        return None
    match code:
        case V1Code.PAYMENT_SUCCESS if data.state == V2State.COMPLETED:
            return _event(answer.code, data, Kind.PAYMENT_SUCCEEDED, raw)
        case V1Code.PAYMENT_SUCCESS | V1Code.PAYMENT_PENDING:
            return _event(answer.code, data, Kind.PAYMENT_PENDING, raw)
        case V1Code.PAYMENT_ERROR | V1Code.PAYMENT_DECLINED | V1Code.TIMED_OUT:
            reason = data.response_code or answer.message or answer.code
            return _event(answer.code, data, Kind.PAYMENT_FAILED, raw, reason)
        case _:
            assert_never(code)


def _event(
    code: str, data: TransactionData, kind: Kind, raw: RawBody, failure_reason: str | None = None
) -> ProviderEvent:
    attempt = data.transaction_id or "-"
    return ProviderEvent(
        provider="phonepe",
        provider_event_id=f"status:{data.merchant_transaction_id}:{attempt}:{data.state}",
        provider_event_type=f"status.{code}",
        kind=kind,
        verified_by=VerifiedBy.API_CONFIRMED,
        session_ref=data.merchant_transaction_id,
        provider_payment_ids=(data.transaction_id,) if data.transaction_id else (),
        amount=data.amount,
        currency="INR",
        failure_reason=failure_reason,
        raw=raw,
    )
