"""``/v1/sessions``: create, read and list a merchant's checkout sessions."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from common.events import PaymentStatus
from common.web import ApiError
from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse

from ledger import checkout, queries
from ledger.api.deps import (
    Database,
    Gateways,
    Merchant,
    decode_cursor,
    encode_cursor,
    require_idempotency_key,
    require_session_id,
)
from ledger.schemas import CreateSession, SessionDetail, SessionList, SessionOut

__all__ = ["router"]

router = APIRouter(prefix="/v1/sessions", tags=["sessions"])


@router.post("", status_code=201, response_model=SessionOut)
async def create_session(
    body: CreateSession,
    request: Request,
    merchant: Merchant,
    factory: Database,
    gateways: Gateways,
    idempotency_key: Annotated[str | None, Header()] = None,
) -> JSONResponse:
    """Create a checkout session and the provider's checkout (502 if the provider fails);
    a repeated ``Idempotency-Key`` replays the first answer."""
    idempotency_key = require_idempotency_key(idempotency_key)
    ttl: timedelta = request.app.state.session_ttl
    lease: timedelta = request.app.state.checkout_lease
    created = await checkout.create_session(
        factory, gateways, merchant.id, body, idempotency_key, ttl, lease
    )
    headers = {"Idempotent-Replayed": "true"} if created.replayed else None
    return JSONResponse(created.body, status_code=created.status_code, headers=headers)


@router.get("", response_model=SessionList)
async def list_sessions(
    merchant: Merchant,
    factory: Database,
    status: PaymentStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> SessionList:
    """The merchant's sessions, newest first."""
    before = decode_cursor(cursor) if cursor is not None else None
    async with factory() as db:
        page, has_more = await queries.list_sessions(db, merchant.id, status, limit, before)
    next_cursor = encode_cursor(page[-1].id) if has_more else None
    return SessionList(data=page, has_more=has_more, next_cursor=next_cursor)


@router.get("/{session_id}", response_model=SessionDetail)
async def get_session(session_id: str, merchant: Merchant, factory: Database) -> SessionDetail:
    """One of the merchant's sessions with its attempts, refunds and timeline."""
    async with factory() as db:
        found = await queries.find_session(db, merchant.id, require_session_id(session_id))
    if found is None:
        raise ApiError(404, "not_found", "no such session")
    return found
