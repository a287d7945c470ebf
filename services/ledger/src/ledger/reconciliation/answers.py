"""Applying what a provider's API answered through the same path as a webhook.

The answer is an ``api_confirmed`` ``ProviderEvent`` with a deterministic
``provider_event_id``; wrapped like ingress wraps a webhook (its CloudEvent id derives
from that id), it goes through ``on_provider_event``: the inbox keeps two checks that
report the same thing to one effect, and the state machine ignores what a webhook
already applied.
"""

from __future__ import annotations

from common.events import CloudEvent, ProviderEvent
from common.ids import event_id_for
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ledger.gateways import Gateway, RefundStatusRequest, StatusRequest
from ledger.handlers import on_provider_event

__all__ = ["SOURCE", "answer_event", "apply_answer", "check_now", "check_refund_now"]

SOURCE = "paywire/ledger/reconciliation"


def answer_event(
    answer: ProviderEvent, session_id: str, correlation_id: str | None = None
) -> CloudEvent:
    """``answer`` about session ``session_id`` as the CloudEvent the consumer handles."""
    if answer.session_ref is None:
        answer = answer.model_copy(update={"session_ref": session_id})
    return CloudEvent(
        id=event_id_for(answer.provider, answer.provider_event_id),
        source=SOURCE,
        type=f"paywire.provider.{answer.kind.value}",
        subject=session_id,
        correlationid=correlation_id,
        data=answer.model_dump(mode="json"),
    )


async def apply_answer(
    factory: async_sessionmaker[AsyncSession],
    answer: ProviderEvent,
    session_id: str,
    correlation_id: str | None = None,
) -> None:
    """Apply ``answer`` once, exactly as the consumer applies a webhook."""
    await on_provider_event(answer_event(answer, session_id, correlation_id), factory)


async def check_now(
    factory: async_sessionmaker[AsyncSession], gateway: Gateway, request: StatusRequest
) -> None:
    """Ask the provider about ``request``'s payment and apply what it answers; raises
    ``GatewayError`` (``GatewayUnavailable``) when it refuses (cannot answer)."""
    answer = await gateway.fetch_status(request)
    if answer is not None:
        await apply_answer(factory, answer, request.session_id)


async def check_refund_now(
    factory: async_sessionmaker[AsyncSession], gateway: Gateway, request: RefundStatusRequest
) -> bool:
    """Ask the provider about ``request``'s refund and apply its outcome (a webhook that
    already completed or released the refund makes this change nothing); False while the
    refund is pending. Raises like ``check_now``."""
    answer = await gateway.fetch_refund(request)
    if answer is None:
        return False
    await apply_answer(factory, answer, request.session_id)
    return True
