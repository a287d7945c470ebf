"""A charge's timeline, as a status check reads it, in paywire's event kinds.

The latest timeline entry is the charge's status. The event is ``api_confirmed``, its id
``status:<charge id>:<status>``, so polling an unchanged charge again yields the same event
and the ledger's inbox applies it once. Statuses of the legacy and the current Commerce
API are both understood.
"""

from __future__ import annotations

from enum import StrEnum
from typing import assert_never

from common.events import ProviderEvent, ProviderEventKind, RawBody, VerifiedBy
from common.money import Money

from ingress.providers.coinbase.resources import HostedCharge

__all__ = ["ChargeStatus", "charge_status_event"]

Kind = ProviderEventKind


class ChargeStatus(StrEnum):
    """The statuses a charge's timeline records."""

    NEW = "NEW"
    SIGNED = "SIGNED"
    PENDING = "PENDING"
    COMPLETED = "COMPLETED"
    CONFIRMED = "CONFIRMED"
    RESOLVED = "RESOLVED"
    EXPIRED = "EXPIRED"
    CANCELED = "CANCELED"
    UNRESOLVED = "UNRESOLVED"
    FAILED = "FAILED"
    REFUND_PENDING = "REFUND PENDING"
    REFUNDED = "REFUNDED"


def charge_status_event(charge: HostedCharge, raw: RawBody) -> ProviderEvent | None:
    """The event the charge's latest status reports, or None when it reports no change."""
    if not charge.timeline:
        return None
    last = charge.timeline[-1]
    try:
        status = ChargeStatus(last.status)
    except ValueError:
        return None
    match status:
        case ChargeStatus.COMPLETED | ChargeStatus.CONFIRMED | ChargeStatus.RESOLVED:
            return _event(charge, status, Kind.PAYMENT_SUCCEEDED, raw)
        case ChargeStatus.PENDING:
            return _event(charge, status, Kind.PAYMENT_PENDING, raw)
        case ChargeStatus.EXPIRED:
            return _event(charge, status, Kind.PAYMENT_EXPIRED, raw)
        case ChargeStatus.CANCELED:
            return _event(charge, status, Kind.PAYMENT_CANCELED, raw)
        case ChargeStatus.UNRESOLVED | ChargeStatus.FAILED:
            reason = last.context or last.status
            return _event(charge, status, Kind.PAYMENT_FAILED, raw, reason)
        case (
            ChargeStatus.NEW
            | ChargeStatus.SIGNED
            | ChargeStatus.REFUND_PENDING
            | ChargeStatus.REFUNDED
        ):
            return None
        case _:
            assert_never(status)


def _event(
    charge: HostedCharge,
    status: ChargeStatus,
    kind: Kind,
    raw: RawBody,
    failure_reason: str | None = None,
) -> ProviderEvent:
    local = charge.pricing.local if charge.pricing else None
    money = Money.from_major(local.amount, local.currency) if local else None
    session = (charge.metadata or {}).get("paywire_session_id")
    return ProviderEvent(
        provider="coinbase",
        provider_event_id=f"status:{charge.id}:{status.value}",
        provider_event_type=f"charge.status.{status.value}",
        kind=kind,
        verified_by=VerifiedBy.API_CONFIRMED,
        session_ref=session if isinstance(session, str) and session else None,
        provider_payment_ids=(charge.id, charge.code),
        amount=money.minor if money else None,
        currency=money.currency if money else None,
        failure_reason=failure_reason,
        raw=raw,
    )
