"""``Idempotency-Key``: one stored answer per merchant and key.

The key is claimed with an insert on its unique ``(merchant, key)`` in the transaction
that does the work and stores the answer. A concurrent request with the same key waits
on that unique key until the first commits, then replays the stored answer; a request
that reuses a key with a different body is refused with 409. The request hash covers
what was asked of which resource, so one key cannot be replayed on another route.
(``ledger.key_claims`` holds a key across a provider call instead, for checkout creation.)
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from common.web import ApiError
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from ledger.tables import idempotency_keys

__all__ = ["Answer", "claim_key", "request_hash", "store_answer"]


@dataclass(frozen=True, slots=True)
class Answer:
    """An HTTP answer; ``replayed`` when it came from the idempotency store."""

    status_code: int
    body: dict[str, Any]
    replayed: bool = False


def request_hash(request: dict[str, Any]) -> str:
    """A stable digest of a JSON-able request."""
    return hashlib.sha256(json.dumps(request, sort_keys=True).encode()).hexdigest()


async def claim_key(db: AsyncSession, merchant_id: str, key: str, digest: str) -> Answer | None:
    """Claim ``key`` for this request (None), or the answer stored under it (replayed)."""
    claimed = await db.scalar(
        pg_insert(idempotency_keys)
        .values(merchant_id=merchant_id, key=key, request_hash=digest)
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
    if stored.request_hash != digest:
        raise ApiError(
            409, "idempotency_key_reused", "this Idempotency-Key was used with a different body"
        )
    return Answer(stored.response_status, stored.response_body, replayed=True)


async def store_answer(db: AsyncSession, merchant_id: str, key: str, answer: Answer) -> None:
    """Keep ``answer`` as the one to replay for ``key``."""
    await db.execute(
        update(idempotency_keys)
        .where(idempotency_keys.c.merchant_id == merchant_id)
        .where(idempotency_keys.c.key == key)
        .values(response_status=answer.status_code, response_body=answer.body)
    )
