"""Reading a provider's answer about one refund as the event a refund webhook would carry.

Each provider names the refund's state in its own words; ``REFUND_OUTCOMES`` maps those
to ``succeeded`` or ``failed`` (anything else, ``pending`` and the like, reports nothing).
The event is ``api_confirmed`` with the id ``refund-status:<provider refund id>:<outcome>``,
so two checks that find the same outcome are one event in the inbox; its ``refund_id`` is
the provider's, which is what completes (or releases) the requested refund it names.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum

from common.events import ProviderEvent, ProviderEventKind, VerifiedBy

from ledger.gateways.base import RefundStatusRequest

__all__ = ["REFUND_OUTCOMES", "RefundOutcome", "refund_outcome", "refund_status_event"]


class RefundOutcome(StrEnum):
    """Where a refund ended at the provider."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"


_S, _F = RefundOutcome.SUCCEEDED, RefundOutcome.FAILED

REFUND_OUTCOMES: Mapping[str, Mapping[str, RefundOutcome]] = {
    # GET /v1/refunds/{id}: pending, requires_action, succeeded, failed, canceled
    "stripe": {"succeeded": _S, "failed": _F, "canceled": _F},
    # GET /v1/refunds/{id}: pending, processed, failed
    "razorpay": {"processed": _S, "failed": _F},
    # Check Status of the refund's merchant transaction: data.state
    "phonepe": {"COMPLETED": _S, "FAILED": _F},
}
"""Per provider, its refund states that are final, and what they mean."""

_KINDS = {_S: ProviderEventKind.REFUND_SUCCEEDED, _F: ProviderEventKind.REFUND_FAILED}


def refund_outcome(provider: str, status: str | None) -> RefundOutcome | None:
    """What ``provider``'s refund state ``status`` means; None while it is not final."""
    if status is None:
        return None
    return REFUND_OUTCOMES.get(provider, {}).get(status)


def refund_status_event(
    provider: str,
    request: RefundStatusRequest,
    status: str | None,
    *,
    amount: int | None = None,
    currency: str | None = None,
    failure_reason: str | None = None,
) -> ProviderEvent | None:
    """The ``api_confirmed`` event for ``request``'s refund in ``status``, or None while it
    is pending. ``amount`` and ``currency`` are the provider's (else what was asked)."""
    outcome = refund_outcome(provider, status)
    if outcome is None:
        return None
    failed = outcome is RefundOutcome.FAILED
    return ProviderEvent(
        provider=provider,
        provider_event_id=f"refund-status:{request.provider_refund_id}:{outcome.value}",
        provider_event_type=f"refund.status.{status}",
        kind=_KINDS[outcome],
        verified_by=VerifiedBy.API_CONFIRMED,
        session_ref=request.session_id,
        provider_payment_ids=request.provider_payment_ids,
        amount=request.amount if amount is None else amount,
        currency=currency or request.currency,
        refund_id=request.provider_refund_id,
        failure_reason=(failure_reason or f"{provider} reported the refund {status}")
        if failed
        else None,
        occurred_at=datetime.now(UTC),
    )
