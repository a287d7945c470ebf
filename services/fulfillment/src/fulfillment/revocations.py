"""Per-session serialisation and the record of sessions refunded or charged back."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from fulfillment.tables import revoked_sessions

__all__ = ["is_revoked", "lock_session", "record_revocation"]


async def lock_session(session: AsyncSession, session_id: str) -> None:
    """Hold a transaction-scoped lock on ``session_id``: its events apply one at a time.

    A paid and a refund event for one session handled at once would otherwise each miss
    the other's uncommitted rows, and the refund would leave a live key behind.
    """
    lock_key = func.hashtextextended(f"fulfillment.session:{session_id}", 0)
    await session.execute(select(func.pg_advisory_xact_lock(lock_key)))


async def record_revocation(session: AsyncSession, session_id: str, reason: str) -> None:
    """Remember that ``session_id`` was refunded or charged back (the first reason stays)."""
    await session.execute(
        insert(revoked_sessions)
        .values(session_id=session_id, reason=reason)
        .on_conflict_do_nothing(index_elements=[revoked_sessions.c.session_id])
    )


async def is_revoked(session: AsyncSession, session_id: str) -> bool:
    """Whether a refund or charge-back for ``session_id`` was recorded."""
    found = await session.execute(
        select(revoked_sessions.c.session_id).where(revoked_sessions.c.session_id == session_id)
    )
    return found.first() is not None
