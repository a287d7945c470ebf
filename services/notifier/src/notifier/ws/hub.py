"""This instance's live connections and the messages pushed to them.

Each connection buffers up to ``buffer`` messages; a client that falls further behind is
ended with 1013 and resumes from the log with ``last_event_id``, so a slow client never
holds memory or other clients back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

from notifier.metrics import STREAM_CONNECTIONS
from notifier.ws.errors import CloseCode
from notifier.ws.messages import StreamMessage
from notifier.ws.scope import StreamScope

__all__ = ["StreamHub", "Subscription"]


class Subscription:
    """One connection's queue of live messages; ``None`` marks its end."""

    def __init__(self, scope: StreamScope, buffer: int) -> None:
        self.scope = scope
        self.end_code: CloseCode | None = None
        self.end_reason = ""
        self._queue: asyncio.Queue[StreamMessage | None] = asyncio.Queue(buffer + 1)
        self._buffer = buffer

    def offer(self, message: StreamMessage) -> None:
        """Queue ``message`` if it is in scope; end the subscription when the buffer is full."""
        if self.end_code is not None or not self.scope.matches(message):
            return
        if self._queue.qsize() >= self._buffer:
            self.end(CloseCode.TRY_AGAIN_LATER, "client too slow, resume with last_event_id")
            return
        self._queue.put_nowait(message)

    def end(self, code: CloseCode, reason: str) -> None:
        """Drop what is queued and wake the reader with the end marker."""
        if self.end_code is not None:
            return
        self.end_code = code
        self.end_reason = reason
        while not self._queue.empty():
            self._queue.get_nowait()
        self._queue.put_nowait(None)

    async def next(self) -> StreamMessage | None:
        """The next live message, or None once the subscription has ended."""
        return await self._queue.get()


class StreamHub:
    """Fans messages out to the subscriptions they match."""

    def __init__(self, buffer: int = 1000) -> None:
        self._buffer = buffer
        self._subscriptions: set[Subscription] = set()

    @contextmanager
    def subscribe(self, scope: StreamScope) -> Iterator[Subscription]:
        """A subscription that receives every message published while it is open."""
        subscription = Subscription(scope, self._buffer)
        self._subscriptions.add(subscription)
        STREAM_CONNECTIONS.inc()
        try:
            yield subscription
        finally:
            self._subscriptions.discard(subscription)
            STREAM_CONNECTIONS.dec()

    def publish(self, message: StreamMessage) -> None:
        """Offer ``message`` to every open subscription."""
        for subscription in list(self._subscriptions):
            subscription.offer(message)
