"""Live fan-out: every instance hears every event and pushes the log to its own clients.

Each notifier process declares its own exclusive, auto-deleted queue bound to
``payment.#`` and ``fulfillment.#``, so any number of instances each receive every
event. For each delivery the handler records the event in the shared stream log; the
instance then reads the log past its cursor and pushes those rows, in id order, to the
subscriptions that match. Reading the log rather than the delivery means all instances
send the same ids in the same order, and an event another instance recorded while this
one was reconnecting still reaches its clients (a timer reads the log too).
"""

from __future__ import annotations

import asyncio
import contextlib

from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractQueue
from common.events import CloudEvent, EnvelopeError
from common.ids import new_id
from common.logging import get_logger
from common.messaging import AmqpConnection, declare_topology
from common.messaging.consumer import Handler
from structlog.contextvars import bound_contextvars

from notifier.ws.hub import StreamHub
from notifier.ws.stream_log import StreamLog

__all__ = ["BINDINGS", "StreamFanout"]

BINDINGS = ("payment.#", "fulfillment.#")
log = get_logger(__name__)


class StreamFanout:
    """Consumes this instance's exclusive queue and feeds the hub from the stream log."""

    def __init__(
        self,
        connection: AmqpConnection,
        handler: Handler,
        stream_log: StreamLog,
        hub: StreamHub,
        poll_seconds: float = 2.0,
        retry_seconds: float = 1.0,
    ) -> None:
        self.queue_name = f"notifier.stream.{new_id('instance')}"
        self._connection = connection
        self._handler = handler
        self._log = stream_log
        self._hub = hub
        self._poll_seconds = poll_seconds
        self._retry_seconds = retry_seconds
        self._cursor = 0
        self._lock = asyncio.Lock()
        self._channel: AbstractChannel | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def started(self) -> bool:
        """True once the queue is bound and consumed."""
        return bool(self._tasks)

    async def start(self) -> None:
        """Declare and bind the queue, then consume it and poll the log."""
        self._cursor = await self._log.last_id()
        connection = await self._connection.get()
        self._channel = await connection.channel()
        await self._channel.set_qos(prefetch_count=64)
        exchange = await declare_topology(self._channel)
        queue = await self._channel.declare_queue(self.queue_name, exclusive=True, auto_delete=True)
        for key in BINDINGS:
            await queue.bind(exchange, routing_key=key)
        self._tasks = {
            asyncio.create_task(self._consume(queue)),
            asyncio.create_task(self._poll()),
        }
        log.info("stream_fanout_started", queue=self.queue_name, cursor=self._cursor)

    async def stop(self) -> None:
        """Stop consuming and polling; the broker deletes the queue with the channel."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = set()
        if self._channel is not None and not self._channel.is_closed:
            await self._channel.close()
        log.info("stream_fanout_stopped", queue=self.queue_name)

    async def catch_up(self) -> None:
        """Push every logged message past the cursor to the hub, in id order."""
        async with self._lock:
            while True:
                page = await self._log.after(self._cursor)
                for message in page:
                    self._hub.publish(message)
                    self._cursor = message.id
                if len(page) < self._log.page_size:
                    return

    async def _consume(self, queue: AbstractQueue) -> None:
        async with queue.iterator() as deliveries:
            async for delivery in deliveries:
                await self._on_delivery(delivery)

    async def _on_delivery(self, delivery: AbstractIncomingMessage) -> None:
        try:
            event = CloudEvent.from_bytes(delivery.body)
        except EnvelopeError as exc:
            log.warning("stream_message_malformed", error=str(exc)[:300])
            await delivery.ack()
            return
        with bound_contextvars(event_id=event.id, correlation_id=event.correlationid):
            await self._record(event)
        await delivery.ack()
        try:
            await self.catch_up()
        except Exception as exc:
            log.warning("stream_catch_up_failed", error=f"{type(exc).__name__}: {exc}"[:300])

    async def _record(self, event: CloudEvent) -> None:
        # Retry in place rather than requeue: it keeps this queue's order and the log's.
        while True:
            try:
                await self._handler(event)
                return
            except Exception as exc:
                log.warning(
                    "stream_record_failed",
                    error=f"{type(exc).__name__}: {exc}"[:300],
                    retry_in=self._retry_seconds,
                )
                await asyncio.sleep(self._retry_seconds)

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(self._poll_seconds)
            try:
                await self.catch_up()
            except Exception as exc:
                log.warning("stream_catch_up_failed", error=f"{type(exc).__name__}: {exc}"[:300])
