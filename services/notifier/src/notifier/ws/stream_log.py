"""The stream log in Postgres: numbered once, read by every notifier instance.

Each instance records every event it receives, a batch at a time; ``ON CONFLICT
(event_id) DO NOTHING`` keeps one row per event, so all instances agree on its id. A
batch's inserts take one advisory lock for the length of their transaction, which makes
ids commit in increasing order: once row ``n`` is visible, every row below ``n`` that
will ever exist is visible too. Readers can therefore page through ``id > cursor``
without ever skipping a late commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from sqlalchemy import Select, bindparam, func, literal, select
from sqlalchemy.dialects.postgresql import Insert, insert
from sqlalchemy.ext.asyncio import AsyncEngine

from notifier.tables import stream_log
from notifier.ws.messages import StreamEntry, StreamMessage
from notifier.ws.scope import StreamScope

__all__ = ["StreamLog"]

_ORDER_LOCK = 0x6E6F7469666965  # any constant: only stream-log inserts take this lock

_MessageQuery = Select[int, str, str, str, str | None, dict[str, Any]]


class StreamLog:
    """Records entries and reads them back in stream order."""

    def __init__(self, engine: AsyncEngine, page_size: int = 500) -> None:
        self._engine = engine
        self.page_size = page_size

    async def record(self, entries: Sequence[StreamEntry]) -> None:
        """Add ``entries`` in order, each unless its event is already in the log.

        One transaction and one lock for the lot. The inserts run one after another in
        it, so an entry without a status takes the latest one recorded before it, from
        the same batch too.
        """
        if not entries:
            return
        async with self._engine.begin() as conn:
            await conn.execute(select(func.pg_advisory_xact_lock(literal(_ORDER_LOCK))))
            await conn.execute(_insert_entry(), [asdict(entry) for entry in entries])

    async def after(self, cursor: int) -> list[StreamMessage]:
        """The next page of every session's messages with an id above ``cursor``."""
        query = _messages().where(stream_log.c.id > cursor)
        return await self._page(query)

    async def backlog(self, scope: StreamScope, cursor: int) -> list[StreamMessage]:
        """The next page of ``scope``'s messages with an id above ``cursor``."""
        query = _messages().where(
            stream_log.c.id > cursor, stream_log.c.merchant_id == scope.merchant_id
        )
        if scope.session_id is not None:
            query = query.where(stream_log.c.session_id == scope.session_id)
        return await self._page(query)

    async def owner_of(self, session_id: str) -> str | None:
        """The merchant of ``session_id``, when the log has seen the session."""
        async with self._engine.connect() as conn:
            owner = await conn.scalar(
                select(stream_log.c.merchant_id)
                .where(stream_log.c.session_id == session_id)
                .limit(1)
            )
        return owner

    async def last_id(self) -> int:
        """The highest stream id so far (0 for an empty log)."""
        async with self._engine.connect() as conn:
            last = await conn.scalar(select(func.coalesce(func.max(stream_log.c.id), 0)))
        return int(last or 0)

    async def _page(self, query: _MessageQuery) -> list[StreamMessage]:
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query.order_by(stream_log.c.id).limit(self.page_size))).all()
        return [StreamMessage(*row) for row in rows]


def _messages() -> _MessageQuery:
    return select(
        stream_log.c.id,
        stream_log.c.type,
        stream_log.c.session_id,
        stream_log.c.merchant_id,
        stream_log.c.status,
        stream_log.c.data,
    )


def _insert_entry() -> Insert:
    """One entry per execution, with parameters named like ``StreamEntry``'s fields.

    A missing status becomes the session's latest one in the log as the row goes in.
    """
    columns = ("event_id", "session_id", "merchant_id", "type", "status", "data")
    entry = {name: bindparam(name, type_=stream_log.c[name].type) for name in columns}
    latest_status = (
        select(stream_log.c.status)
        .where(stream_log.c.session_id == entry["session_id"], stream_log.c.status.is_not(None))
        .order_by(stream_log.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    row = select(
        entry["event_id"],
        entry["session_id"],
        entry["merchant_id"],
        entry["type"],
        func.coalesce(entry["status"], latest_status),
        entry["data"],
    )
    return (
        insert(stream_log)
        .from_select(list(columns), row)
        .on_conflict_do_nothing(index_elements=["event_id"])
    )
