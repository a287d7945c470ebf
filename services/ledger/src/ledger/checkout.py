"""Creating checkout sessions, honouring ``Idempotency-Key``.

The key is claimed with an insert on its unique ``(merchant, key)`` in the same
transaction that creates the session and stores the response. A concurrent request with
the same key waits on that unique key until the first commits, then replays the stored
response; a request that reuses a key with a different body is refused with 409.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from common.events import PaymentStatus
from common.ids import new_session_id
from common.web import ApiError
from sqlalchemy import insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ledger.metrics import SESSIONS_CREATED
from ledger.schemas import CreateSession, SessionOut
from ledger.tables import idempotency_keys, sessions

__all__ = ["Created", "create_session"]


@dataclass(frozen=True, slots=True)
class Created:
    """The answer to a create request; ``replayed`` when it came from the idempotency store."""

    status_code: int
    body: dict[str, Any]
    replayed: bool = False


async def create_session(
    factory: async_sessionmaker[AsyncSession],
    merchant_id: str,
    request: CreateSession,
    idempotency_key: str | None,
    ttl: timedelta,
) -> Created:
    """Create a session (or replay the response stored under ``idempotency_key``)."""
    request_hash = hashlib.sha256(
        json.dumps(request.model_dump(mode="json"), sort_keys=True).encode()
    ).hexdigest()
    try:
        async with factory.begin() as db:
            if idempotency_key is not None:
                stored = await _claim_key(db, merchant_id, idempotency_key, request_hash)
                if stored is not None:
                    return stored
            body = await _insert_session(db, merchant_id, request, ttl)
            if idempotency_key is not None:
                await db.execute(
                    update(idempotency_keys)
                    .where(idempotency_keys.c.merchant_id == merchant_id)
                    .where(idempotency_keys.c.key == idempotency_key)
                    .values(response_status=201, response_body=body)
                )
    except IntegrityError as exc:
        if "sessions_merchant_reference_key" in str(exc.orig):
            raise ApiError(
                409, "reference_conflict", "a session with this reference already exists"
            ) from None
        raise
    SESSIONS_CREATED.inc()
    return Created(201, body)


async def _claim_key(
    db: AsyncSession, merchant_id: str, key: str, request_hash: str
) -> Created | None:
    claimed = await db.scalar(
        pg_insert(idempotency_keys)
        .values(merchant_id=merchant_id, key=key, request_hash=request_hash)
        .on_conflict_do_nothing()
        .returning(idempotency_keys.c.key)
    )
    if claimed is not None:
        return None
    stored = (
        await db.execute(
            select(idempotency_keys)
            .where(idempotency_keys.c.merchant_id == merchant_id)
            .where(idempotency_keys.c.key == key)
        )
    ).one()
    if stored.request_hash != request_hash:
        raise ApiError(
            409, "idempotency_key_reused", "this Idempotency-Key was used with a different body"
        )
    return Created(stored.response_status, stored.response_body, replayed=True)


async def _insert_session(
    db: AsyncSession, merchant_id: str, request: CreateSession, ttl: timedelta
) -> dict[str, Any]:
    now = datetime.now(UTC)
    values = {
        "id": new_session_id(),
        "merchant_id": merchant_id,
        "status": PaymentStatus.CREATED.value,
        "amount": request.amount,
        "currency": request.currency,
        "provider": request.provider.value,
        "customer": request.customer.model_dump(exclude_none=True),
        "product": request.product,
        "description": request.description,
        "reference": request.reference,
        "metadata": request.metadata,
        "return_url": request.return_url,
        "created_at": now,
        "updated_at": now,
        "expires_at": now + ttl,
    }
    await db.execute(insert(sessions).values(values))
    out = SessionOut.model_validate({**values, "amount_refunded": 0, "checkout": None})
    return out.model_dump(mode="json")
