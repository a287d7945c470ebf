"""An ``Idempotency-Key`` held across a provider call, with no transaction open meanwhile.

``ledger.idempotency`` claims a key inside the transaction that does the work; creating a
session cannot, because the provider is called in between. Here a key is *claimed* in a
short transaction that inserts it with the request's hash, the session id it reserves and a
lease (``locked_until``); *completed* in the transaction that creates the session, which
stores the answer; or *released* (deleted) when creating failed, so the merchant may retry
with it. Another request with the same key then:

- with a different body: 409 ``idempotency_key_reused``;
- once the answer is stored: replays it;
- while the claim's lease holds: waits, polling, for the answer or the release;
- after the lease ran out (the claiming process died mid-call): takes the claim over with
  the same session id, so the provider's idempotency key, derived from it, still dedupes.

The unique ``(merchant, key)`` decides who claims; nothing is select-then-insert.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from common.ids import new_session_id
from common.web import ApiError
from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ledger.tables import idempotency_keys

__all__ = ["Claim", "Stored", "claim", "complete", "release"]

_MAX_POLL = 0.5


@dataclass(frozen=True, slots=True)
class Claim:
    """This request holds ``key`` and creates session ``session_id``."""

    merchant_id: str
    key: str
    session_id: str


@dataclass(frozen=True, slots=True)
class Stored:
    """The answer stored under the key by the request that completed it."""

    status_code: int
    body: dict[str, Any]


async def claim(
    factory: async_sessionmaker[AsyncSession],
    merchant_id: str,
    key: str,
    digest: str,
    lease: timedelta,
    poll: float = 0.02,
) -> Claim | Stored:
    """Claim ``key`` for a request hashed ``digest``, or return the answer stored under it
    (waiting while another request holds it)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 2 * lease.total_seconds()
    while True:
        async with factory.begin() as db:
            outcome = await _try_claim(db, merchant_id, key, digest, lease)
        if outcome is not None:
            return outcome
        if loop.time() > deadline:
            raise ApiError(
                409,
                "idempotency_key_in_use",
                "a request with this Idempotency-Key is still in progress; retry later",
            )
        await asyncio.sleep(poll)
        poll = min(poll * 2, _MAX_POLL)


async def complete(db: AsyncSession, held: Claim, status_code: int, body: dict[str, Any]) -> bool:
    """Store the answer under the claimed key, in the caller's transaction; False if the
    claim was taken over meanwhile (its lease ran out), and nothing was stored."""
    stored = await db.scalar(
        update(idempotency_keys)
        .where(idempotency_keys.c.merchant_id == held.merchant_id)
        .where(idempotency_keys.c.key == held.key)
        .where(idempotency_keys.c.session_id == held.session_id)
        .where(idempotency_keys.c.response_status.is_(None))
        .values(response_status=status_code, response_body=body, locked_until=None)
        .returning(idempotency_keys.c.key)
    )
    return stored is not None


async def release(factory: async_sessionmaker[AsyncSession], held: Claim) -> None:
    """Give the key up without an answer, so that a retry with it starts afresh."""
    async with factory.begin() as db:
        await db.execute(
            delete(idempotency_keys)
            .where(idempotency_keys.c.merchant_id == held.merchant_id)
            .where(idempotency_keys.c.key == held.key)
            .where(idempotency_keys.c.session_id == held.session_id)
            .where(idempotency_keys.c.response_status.is_(None))
        )


async def _try_claim(
    db: AsyncSession, merchant_id: str, key: str, digest: str, lease: timedelta
) -> Claim | Stored | None:
    """One attempt; None means "held by another request, or released meanwhile: ask again"."""
    inserted = await db.scalar(
        pg_insert(idempotency_keys)
        .values(
            merchant_id=merchant_id,
            key=key,
            request_hash=digest,
            session_id=new_session_id(),
            locked_until=func.now() + lease,
        )
        .on_conflict_do_nothing()
        .returning(idempotency_keys.c.session_id)
    )
    if inserted is not None:
        return Claim(merchant_id, key, inserted)
    row = (
        await db.execute(
            select(
                idempotency_keys.c.request_hash,
                idempotency_keys.c.response_status,
                idempotency_keys.c.response_body,
                idempotency_keys.c.session_id,
                (idempotency_keys.c.locked_until > func.now()).label("held"),
            )
            .where(idempotency_keys.c.merchant_id == merchant_id)
            .where(idempotency_keys.c.key == key)
            .with_for_update()
        )
    ).first()
    if row is None:
        return None
    if row.request_hash != digest:
        raise ApiError(
            409, "idempotency_key_reused", "this Idempotency-Key was used with a different body"
        )
    if row.response_status is not None:
        return Stored(row.response_status, row.response_body)
    if row.held:
        return None
    session_id = row.session_id or new_session_id()
    await db.execute(
        update(idempotency_keys)
        .where(idempotency_keys.c.merchant_id == merchant_id)
        .where(idempotency_keys.c.key == key)
        .values(session_id=session_id, locked_until=func.now() + lease)
    )
    return Claim(merchant_id, key, session_id)
