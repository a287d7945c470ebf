"""Sending a requested refund to the provider and applying its answer.

- unreachable (``GatewayUnavailable``): raised to the caller; the refund stays requested
  and the scheduler sends it again (same idempotency key, so the provider refunds once);
- refused (``GatewayError``): the refund fails and its reserved amount is released,
  through the state machine, with the provider's reason on the timeline;
- accepted: the provider's refund id is recorded, and a refund the provider completed at
  once is applied now through the provider-event path, like its webhook would be
  (which then changes nothing).
"""

from __future__ import annotations

from datetime import UTC, datetime

from common.events import ProviderEvent, ProviderEventKind, VerifiedBy
from common.ids import event_id_for
from common.logging import get_logger
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ledger import store
from ledger.domain import IllegalTransition
from ledger.effects import Cause, record_outcome
from ledger.gateways import Gateway, GatewayError, GatewayUnavailable, RefundRequest, RefundResult
from ledger.reconciliation.answers import apply_answer
from ledger.refunds import records

__all__ = ["submit_refund"]

log = get_logger(__name__)


async def submit_refund(
    factory: async_sessionmaker[AsyncSession], gateway: Gateway, request: RefundRequest
) -> GatewayError | None:
    """Send ``request``; returns the provider's refusal, if it refused (the refund failed)."""
    try:
        result = await gateway.refund(request)
    except GatewayUnavailable:
        raise
    except GatewayError as exc:
        await _release(factory, gateway.provider, request, exc)
        return exc
    async with factory.begin() as db:
        await records.name_refund(
            db, request.session_id, request.refund_id, result.provider_refund_id
        )
    log.info(
        "refund_submitted",
        provider=gateway.provider,
        session_id=request.session_id,
        refund_id=request.refund_id,
        provider_refund_id=result.provider_refund_id,
        completed=result.completed,
    )
    if result.completed:
        answer = _completion(gateway.provider, request, result)
        await apply_answer(factory, answer, request.session_id)
    return None


def _completion(provider: str, request: RefundRequest, result: RefundResult) -> ProviderEvent:
    """The provider's synchronous "refund done", as the event its webhook would carry."""
    return ProviderEvent(
        provider=provider,
        provider_event_id=f"refund:{result.provider_refund_id}:succeeded",
        provider_event_type="refund_api_response",
        kind=ProviderEventKind.REFUND_SUCCEEDED,
        verified_by=VerifiedBy.API_CONFIRMED,
        session_ref=request.session_id,
        provider_payment_ids=request.provider_payment_ids,
        amount=request.amount,
        currency=request.currency,
        refund_id=result.provider_refund_id,
        occurred_at=datetime.now(UTC),
    )


async def _release(
    factory: async_sessionmaker[AsyncSession],
    provider: str,
    request: RefundRequest,
    refusal: GatewayError,
) -> None:
    log.warning(
        "refund_refused",
        provider=provider,
        session_id=request.session_id,
        refund_id=request.refund_id,
        code=refusal.code,
    )
    reason = f"{provider} refused: {refusal.message}"
    async with factory.begin() as db:
        record = await store.lock_session_by_id(db, request.session_id)
        if record is None:
            return
        try:
            outcome = record.checkout.release_refund(request.refund_id, reason)
        except IllegalTransition:
            return  # an event resolved the refund meanwhile
        cause = Cause(event_id_for("ledger", f"{request.refund_id}:refused"), datetime.now(UTC))
        await record_outcome(db, record, outcome, cause, {"provider_code": refusal.code})
