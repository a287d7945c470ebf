"""A queue consumer that acknowledges only after its handler has committed.

- The handler gets the parsed ``CloudEvent`` and returns after committing its effects
  (inbox row, state change, outbox rows) in one transaction; then the delivery is acked.
- A handler exception nacks with requeue: RabbitMQ redelivers, and after the queue's
  ``x-delivery-limit`` it dead-letters the message, so a poison message cannot block.
- A body that is not a CloudEvent, or a ``PermanentFailure``, goes to the DLQ at once.
- ``stop()`` stops taking deliveries and waits for the ones in flight.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from aio_pika.abc import AbstractChannel, AbstractIncomingMessage
from structlog.contextvars import bound_contextvars

from common.events.envelope import CloudEvent, EnvelopeError
from common.logging import get_logger
from common.messaging.connection import AmqpConnection
from common.messaging.topology import QueueSpec, declare_topology

__all__ = ["Consumer", "Handler", "PermanentFailure"]

Handler = Callable[[CloudEvent], Awaitable[None]]
log = get_logger(__name__)


class PermanentFailure(Exception):
    """Raised by a handler for a message that can never succeed: dead-letter it now."""


class Consumer:
    """Consumes one ``QueueSpec`` with a handler, ``prefetch`` deliveries at a time."""

    def __init__(
        self,
        connection: AmqpConnection,
        queue: QueueSpec,
        handler: Handler,
        prefetch: int = 32,
    ) -> None:
        self._connection = connection
        self._spec = queue
        self._handler = handler
        self._prefetch = prefetch
        self._channel: AbstractChannel | None = None
        self._consumer_tag: str | None = None
        self._in_flight: set[asyncio.Task[None]] = set()
        self._stopping = False

    async def start(self) -> None:
        """Declare the exchanges and this consumer's queue (with its DLQ), and begin consuming."""
        connection = await self._connection.get()
        self._channel = await connection.channel()
        await self._channel.set_qos(prefetch_count=self._prefetch)
        await declare_topology(self._channel, (self._spec,))
        queue = await self._channel.get_queue(self._spec.name)
        self._consumer_tag = await queue.consume(self._on_message)
        log.info("consumer_started", queue=self._spec.name, prefetch=self._prefetch)

    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        if self._stopping:
            await message.nack(requeue=True)
            return
        task = asyncio.current_task()
        if task is not None:
            self._in_flight.add(task)
        try:
            await self._process(message)
        finally:
            if task is not None:
                self._in_flight.discard(task)

    async def _process(self, message: AbstractIncomingMessage) -> None:
        deliveries = _delivery_count(message)
        try:
            event = CloudEvent.from_bytes(message.body)
        except EnvelopeError as exc:
            log.error("message_malformed", queue=self._spec.name, error=str(exc)[:300])
            await message.reject(requeue=False)
            return
        with bound_contextvars(event_id=event.id, correlation_id=event.correlationid):
            try:
                await self._handler(event)
            except PermanentFailure as exc:
                log.error("message_dead_lettered", queue=self._spec.name, reason=str(exc))
                await message.reject(requeue=False)
            except Exception as exc:
                log.warning(
                    "message_failed",
                    queue=self._spec.name,
                    event_type=event.type,
                    deliveries=deliveries,
                    delivery_limit=self._spec.delivery_limit,
                    error=f"{type(exc).__name__}: {exc}"[:500],
                )
                await message.nack(requeue=True)
            else:
                await message.ack()

    async def stop(self, grace_seconds: float = 10.0) -> None:
        """Stop consuming, let in-flight handlers finish, close the channel."""
        self._stopping = True
        if self._channel is not None and not self._channel.is_closed:
            if self._consumer_tag is not None:
                queue = await self._channel.get_queue(self._spec.name, ensure=False)
                await queue.cancel(self._consumer_tag)
            if self._in_flight:
                await asyncio.wait(set(self._in_flight), timeout=grace_seconds)
            await self._channel.close()
        log.info("consumer_stopped", queue=self._spec.name)


def _delivery_count(message: AbstractIncomingMessage) -> int:
    count = (message.headers or {}).get("x-delivery-count", 0)
    return int(count) + 1 if isinstance(count, int) else 1
