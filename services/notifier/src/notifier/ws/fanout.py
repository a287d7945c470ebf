"""Live fan-out: every instance hears every event and pushes the log to its own clients.

Each notifier process declares its own exclusive, auto-deleted queue bound to
``payment.#`` and ``fulfillment.#``, so any number of instances each receive every
event. Deliveries are taken in batches (what has arrived, up to ``batch_size``, after a
short linger). The handler records a batch in the shared stream log in one transaction;
the instance then reads the log past its cursor, pushes those rows, in id order, to the
subscriptions that match, and acks the batch. Reading the log rather than the deliveries
means all instances send the same ids in the same order, and an event another instance
recorded while this one was reconnecting still reaches its clients (a timer reads the
log too).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime

from aio_pika.abc import AbstractChannel, AbstractIncomingMessage
from common.events import CloudEvent, EnvelopeError
from common.ids import new_id
from common.logging import get_logger
from common.messaging import AmqpConnection, declare_topology

from notifier.metrics import STREAM_FANOUT_BATCH_SIZE, STREAM_FANOUT_LAG
from notifier.ws.batches import Batcher
from notifier.ws.hub import StreamHub
from notifier.ws.stream_log import StreamLog

__all__ = ["BINDINGS", "BatchHandler", "StreamFanout"]

BINDINGS = ("payment.#", "fulfillment.#")
log = get_logger(__name__)

BatchHandler = Callable[[Sequence[CloudEvent]], Awaitable[None]]
"""Records a batch of events, in order, and returns once they are committed."""


class StreamFanout:
    """Consumes this instance's exclusive queue and feeds the hub from the stream log."""

    def __init__(
        self,
        connection: AmqpConnection,
        handler: BatchHandler,
        stream_log: StreamLog,
        hub: StreamHub,
        batch_size: int = 100,
        linger_seconds: float = 0.005,
        poll_seconds: float = 2.0,
        retry_seconds: float = 1.0,
    ) -> None:
        self.queue_name = f"notifier.stream.{new_id('instance')}"
        self._connection = connection
        self._handler = handler
        self._log = stream_log
        self._hub = hub
        self._deliveries: Batcher[AbstractIncomingMessage] = Batcher(batch_size, linger_seconds)
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
        # Room for the batch being applied and for the next one, which fills meanwhile.
        await self._channel.set_qos(prefetch_count=2 * self._deliveries.max_size)
        exchange = await declare_topology(self._channel)
        queue = await self._channel.declare_queue(self.queue_name, exclusive=True, auto_delete=True)
        for key in BINDINGS:
            await queue.bind(exchange, routing_key=key)
        await queue.consume(self._receive)
        self._tasks = {
            asyncio.create_task(self._consume()),
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

    async def _receive(self, delivery: AbstractIncomingMessage) -> None:
        self._deliveries.add(delivery)

    async def _consume(self) -> None:
        while True:
            deliveries = await self._deliveries.next()
            STREAM_FANOUT_BATCH_SIZE.set(len(deliveries))
            events = _parse(deliveries)
            await self._record(events)
            await self._push(events)
            await self._ack(deliveries[-1])

    async def _record(self, events: Sequence[CloudEvent]) -> None:
        # Retry in place rather than requeue: the deliveries behind this batch are already
        # here, so a requeued batch would come back after them and break the log's order.
        while True:
            try:
                await self._handler(events)
                return
            except Exception as exc:
                log.warning(
                    "stream_record_failed",
                    events=len(events),
                    error=f"{type(exc).__name__}: {exc}"[:300],
                    retry_in=self._retry_seconds,
                )
                await asyncio.sleep(self._retry_seconds)

    async def _push(self, events: Sequence[CloudEvent]) -> None:
        try:
            await self.catch_up()
        except Exception as exc:
            # The timer pushes them instead.
            log.warning("stream_catch_up_failed", error=f"{type(exc).__name__}: {exc}"[:300])
            return
        pushed_at = datetime.now(UTC)
        for event in events:
            STREAM_FANOUT_LAG.observe(_seconds_between(event.time, pushed_at))

    async def _ack(self, last: AbstractIncomingMessage) -> None:
        # Every delivery up to ``last`` on this channel is in the committed batch. Should
        # the ack be lost with its channel, a redelivery is recorded again as a no-op.
        try:
            await last.ack(multiple=True)
        except Exception as exc:
            log.warning("stream_ack_failed", error=f"{type(exc).__name__}: {exc}"[:300])

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(self._poll_seconds)
            try:
                await self.catch_up()
            except Exception as exc:
                log.warning("stream_catch_up_failed", error=f"{type(exc).__name__}: {exc}"[:300])


def _parse(deliveries: Sequence[AbstractIncomingMessage]) -> list[CloudEvent]:
    events = []
    for delivery in deliveries:
        try:
            events.append(CloudEvent.from_bytes(delivery.body))
        except EnvelopeError as exc:
            log.warning("stream_message_malformed", error=str(exc)[:300])
    return events


def _seconds_between(event_time: datetime, pushed_at: datetime) -> float:
    if event_time.tzinfo is None:
        event_time = event_time.replace(tzinfo=UTC)
    return max(0.0, (pushed_at - event_time).total_seconds())
