"""A transaction in PayU's ``verify_payment`` answer, in paywire's event kinds.

``success`` is a payment of ``amt`` rupees, ``failure`` (or ``failed``) a failed one and
``pending`` one in progress; a transaction PayU does not know (``Not Found``: the customer
never reached PayU) or in any other status reports nothing. The event is ``api_confirmed``
with the id ``status:<txnid>:<status>``, so verifying an unchanged transaction again yields
the same event and the ledger's inbox applies it once.
"""

from __future__ import annotations

from typing import assert_never

from common.events import ProviderEvent, ProviderEventKind, RawBody, VerifiedBy
from common.money import Money

from ingress.providers.payu.resources import Transaction
from ingress.providers.payu.schemas import PayuStatus

__all__ = ["transaction_status_event"]

Kind = ProviderEventKind


def transaction_status_event(transaction: Transaction, raw: RawBody) -> ProviderEvent | None:
    """The event ``transaction``'s status reports, or None while there is nothing to report."""
    try:
        status = PayuStatus(transaction.status)
    except ValueError:
        return None
    match status:
        case PayuStatus.SUCCESS:
            return _event(transaction, Kind.PAYMENT_SUCCEEDED, raw)
        case PayuStatus.FAILURE | PayuStatus.FAILED:
            return _event(transaction, Kind.PAYMENT_FAILED, raw, transaction.error_message)
        case PayuStatus.PENDING:
            return _event(transaction, Kind.PAYMENT_PENDING, raw)
        case _:
            assert_never(status)


def _event(
    transaction: Transaction, kind: Kind, raw: RawBody, failure_reason: str = ""
) -> ProviderEvent:
    amount = Money.from_major(transaction.amt, "INR")
    return ProviderEvent(
        provider="payu",
        provider_event_id=f"status:{transaction.txnid}:{transaction.status}",
        provider_event_type=f"verify_payment.{transaction.status}",
        kind=kind,
        verified_by=VerifiedBy.API_CONFIRMED,
        session_ref=transaction.udf1 or None,
        provider_payment_ids=(transaction.mihpayid, transaction.txnid),
        amount=amount.minor,
        currency=amount.currency,
        failure_reason=failure_reason or None,
        raw=raw,
    )
