"""The outbox relay: moves committed outbox rows to RabbitMQ with publisher confirms.

Rows are claimed with ``FOR UPDATE SKIP LOCKED`` so several processes relay in parallel
without sending a row twice at once; a batch is published concurrently (pipelined
confirms) and only confirmed rows are marked sent. The relay sleeps on
``LISTEN <schema>_outbox`` and also polls, so a lost notification only delays a row.
A crash between the confirm and the commit re-sends a row: consumers' inboxes absorb it.
"""

from __future__ import annotations

import asyncio
import contextlib

import asyncpg
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from common.db.engine import asyncpg_dsn
from common.db.tables import MessagingTables
from common.events.envelope import CloudEvent
from common.logging import get_logger
from common.messaging.publisher import Publisher, PublishFailed

__all__ = ["OutboxRelay"]

log = get_logger(__name__)


class OutboxRelay:
    """Publishes a service's outbox until ``stop()``."""

    def __init__(
        self,
        engine: AsyncEngine,
        tables: MessagingTables,
        publisher: Publisher,
        batch_size: int = 200,
        poll_seconds: float = 2.0,
        max_backoff_seconds: float = 30.0,
    ) -> None:
        self._engine = engine
        self._outbox = tables.outbox
        self._channel = tables.notify_channel
        self._publisher = publisher
        self._batch_size = batch_size
        self._poll_seconds = poll_seconds
        self._max_backoff = max_backoff_seconds
        self._wake = asyncio.Event()
        self._stopped = asyncio.Event()

    async def relay_once(self) -> int:
        """Publish one batch of unsent rows; returns how many were confirmed."""
        outbox = self._outbox
        async with self._engine.begin() as conn:
            rows = (
                await conn.execute(
                    select(outbox.c.id, outbox.c.routing_key, outbox.c.body)
                    .where(outbox.c.sent_at.is_(None))
                    .order_by(outbox.c.id)
                    .limit(self._batch_size)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not rows:
                return 0
            results = await asyncio.gather(
                *(
                    self._publisher.publish(CloudEvent.model_validate(row.body), row.routing_key)
                    for row in rows
                ),
                return_exceptions=True,
            )
            sent = [row.id for row, result in zip(rows, results, strict=True) if result is None]
            if sent:
                await conn.execute(
                    update(outbox).where(outbox.c.id.in_(sent)).values(sent_at=func.now())
                )
        failures = [r for r in results if isinstance(r, BaseException)]
        if failures:
            raise PublishFailed(f"{len(failures)} of {len(rows)} not confirmed: {failures[0]}")
        return len(sent)

    async def run(self) -> None:
        """Relay until stopped, sleeping on notifications and backing off on broker errors."""
        listener = await self._listen()
        backoff = 0.5
        try:
            while not self._stopped.is_set():
                try:
                    count = await self.relay_once()
                    backoff = 0.5
                except Exception as exc:
                    log.warning("outbox_relay_failed", error=str(exc)[:300], retry_in=backoff)
                    await self._sleep(backoff)
                    backoff = min(backoff * 2, self._max_backoff)
                    continue
                if count < self._batch_size:
                    await self._sleep(self._poll_seconds)
        finally:
            if listener is not None:
                with contextlib.suppress(Exception):
                    await listener.close()

    async def stop(self) -> None:
        """Ask ``run`` to return after its current batch."""
        self._stopped.set()
        self._wake.set()

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)
        self._wake.clear()

    async def _listen(self) -> asyncpg.Connection | None:
        url = self._engine.url.render_as_string(hide_password=False)
        try:
            connection = await asyncpg.connect(asyncpg_dsn(url))
            await connection.add_listener(self._channel, lambda *_: self._wake.set())
        except Exception as exc:
            log.warning("outbox_listen_unavailable", error=str(exc)[:200])
            return None
        return connection
