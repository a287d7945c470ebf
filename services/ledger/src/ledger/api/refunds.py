"""``POST /v1/sessions/{id}/refunds``: refund a paid session through its provider."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Header, Request
from fastapi.responses import JSONResponse

from ledger.api.deps import (
    Database,
    Gateways,
    Merchant,
    require_idempotency_key,
    require_session_id,
)
from ledger.refunds.request import RefundAsk, request_refund
from ledger.schemas import CreateRefund, Refund

__all__ = ["router"]

router = APIRouter(prefix="/v1/sessions", tags=["refunds"])


@router.post("/{session_id}/refunds", status_code=201, response_model=Refund)
async def create_refund(
    session_id: str,
    request: Request,
    merchant: Merchant,
    factory: Database,
    gateways: Gateways,
    body: Annotated[CreateRefund | None, Body()] = None,
    idempotency_key: Annotated[str | None, Header()] = None,
) -> JSONResponse:
    """Refund ``amount`` (all that remains when absent). The refund is ``requested`` until
    the provider reports it ``succeeded`` or ``failed``; a repeated ``Idempotency-Key``
    replays the first answer. 409 when the session is not paid, 422 for more than remains
    or a provider that cannot refund, 502 when the provider refuses."""
    ask = RefundAsk(
        merchant_id=merchant.id,
        session_id=require_session_id(session_id),
        body=body or CreateRefund(),
        idempotency_key=require_idempotency_key(idempotency_key),
    )
    answer = await request_refund(factory, gateways, ask, request.app.state.ledger.reconcile)
    headers = {"Idempotent-Replayed": "true"} if answer.replayed else None
    return JSONResponse(answer.body, status_code=answer.status_code, headers=headers)
