"""The deposit-address pool: each address held by at most one open session at a time.

**Allocating.** ``allocate`` gives a session an address of the pool (one accepting its
currency), never used or least recently released first, as a row in
``ledger.deposit_addresses``. A partial unique index allows one unreleased row per address
and one per session, so of two checkouts racing for the last free address one gets it and
the other's insert does nothing (it tries the next address, and finds none). A session
allocating again (a retried checkout) gets back the address it holds.

**Matching.** The session records ``address:<network>:<address>`` as a provider payment
id (``deposit_address_id``), under which the Alchemy webhook reports a transfer to the
address. The id stays with the session after its release, so a late transfer still shows
on the session that used the address, until the address is allocated again: then the
previous session's id is removed and the new session records it.

**Releasing.** ``release`` runs in the transaction that moves a session: from a status in
which it takes no further payment (paid and after, expired, cancelled) it lets go of its
address. ``created``, ``pending``, ``failed`` (a success may follow) and ``review`` (the
payer may top up) keep it.

**Abandoned holds.** An address is held while the checkout is created, before the session
row exists. A hold whose session never came to be (its insert was refused, or the process
died) is released by an allocation ``ABANDONED_AFTER`` later.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from common.events import PaymentStatus
from common.provider_settings import DepositAddress
from ingress.providers.alchemy import deposit_address_id
from sqlalchemy import delete, exists, func, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ledger.tables import attempts, deposit_addresses, sessions

__all__ = ["ABANDONED_AFTER", "HOLDING", "allocate", "release"]

ABANDONED_AFTER = timedelta(minutes=10)
"""How long a hold may wait for its session row before another checkout may take it."""

HOLDING = frozenset(
    {PaymentStatus.CREATED, PaymentStatus.PENDING, PaymentStatus.FAILED, PaymentStatus.REVIEW}
)
"""Statuses in which a session keeps its deposit address."""

_PROVIDER = "alchemy"
_held = deposit_addresses.c.released_at.is_(None)


async def allocate(
    factory: async_sessionmaker[AsyncSession],
    session_id: str,
    candidates: Sequence[DepositAddress],
) -> DepositAddress | None:
    """Hold one of ``candidates`` for ``session_id`` (the one it holds already, if any);
    None when every candidate is held by another session."""
    async with factory.begin() as db:
        held = await _held_by(db, session_id)
        if held is not None:
            return held
        await _release_abandoned(db)
        for candidate in await _free_first(db, candidates):
            if await _hold(db, session_id, candidate):
                await db.execute(
                    delete(attempts)
                    .where(attempts.c.provider == _PROVIDER)
                    .where(attempts.c.provider_payment_id == deposit_address_id(*candidate))
                )
                return candidate
        return await _held_by(db, session_id)  # taken by a concurrent retry of this session


async def release(db: AsyncSession, session_id: str, status: PaymentStatus) -> None:
    """Let go of the session's address once ``status`` takes no further payment."""
    if status in HOLDING:
        return
    await db.execute(
        update(deposit_addresses)
        .where(deposit_addresses.c.session_id == session_id)
        .where(_held)
        .values(released_at=func.now())
    )


async def _held_by(db: AsyncSession, session_id: str) -> DepositAddress | None:
    row = (
        await db.execute(
            select(deposit_addresses.c.network, deposit_addresses.c.address)
            .where(deposit_addresses.c.session_id == session_id)
            .where(_held)
        )
    ).first()
    return DepositAddress(row.network, row.address) if row is not None else None


async def _release_abandoned(db: AsyncSession) -> None:
    session_exists = exists().where(sessions.c.id == deposit_addresses.c.session_id)
    await db.execute(
        update(deposit_addresses)
        .where(_held)
        .where(deposit_addresses.c.allocated_at < func.now() - ABANDONED_AFTER)
        .where(~session_exists)
        .values(released_at=func.now())
    )


async def _free_first(
    db: AsyncSession, candidates: Sequence[DepositAddress]
) -> list[DepositAddress]:
    """The candidates no session holds: never used first, then least recently released."""
    pair = tuple_(deposit_addresses.c.network, deposit_addresses.c.address)
    history = (
        await db.execute(
            select(
                deposit_addresses.c.network,
                deposit_addresses.c.address,
                func.bool_or(_held).label("held"),
                func.max(deposit_addresses.c.released_at).label("last_released"),
            )
            .where(pair.in_([tuple(c) for c in candidates]))
            .group_by(deposit_addresses.c.network, deposit_addresses.c.address)
        )
    ).all()
    used = {DepositAddress(row.network, row.address): row for row in history}
    never = [c for c in candidates if c not in used]
    released = [c for c in candidates if c in used and not used[c].held]
    return never + sorted(released, key=lambda c: used[c].last_released)


async def _hold(db: AsyncSession, session_id: str, candidate: DepositAddress) -> bool:
    """Insert the hold; False when a concurrent checkout holds the address (or this session)."""
    inserted = await db.scalar(
        pg_insert(deposit_addresses)
        .values(network=candidate.network, address=candidate.address, session_id=session_id)
        .on_conflict_do_nothing()
        .returning(deposit_addresses.c.id)
    )
    return inserted is not None
