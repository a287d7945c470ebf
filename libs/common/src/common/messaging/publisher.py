"""Publishing with publisher confirms: a publish returns only once the broker has the message.

Messages are persistent and published ``mandatory``; a message the broker returns
(unroutable), nacks, or does not confirm within the timeout raises ``PublishFailed``.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractExchange

from common.events.envelope import CloudEvent
from common.messaging.connection import AmqpConnection
from common.messaging.topology import declare_topology

__all__ = ["AmqpPublisher", "PublishFailed", "Publisher"]


class PublishFailed(Exception):
    """The broker did not confirm the message: it must be treated as not sent."""


class Publisher(Protocol):
    """Port for sending one event durably."""

    async def publish(self, event: CloudEvent, routing_key: str) -> None:
        """Return once the broker confirmed ``event``; raise ``PublishFailed`` otherwise."""
        ...


class AmqpPublisher:
    """``Publisher`` on RabbitMQ; concurrent publishes share one confirming channel."""

    def __init__(self, connection: AmqpConnection, timeout: float = 5.0) -> None:
        self._connection = connection
        self._timeout = timeout
        self._channel: AbstractChannel | None = None
        self._exchange: AbstractExchange | None = None
        self._lock = asyncio.Lock()

    async def _ready_exchange(self) -> AbstractExchange:
        async with self._lock:
            if self._exchange is None or self._channel is None or self._channel.is_closed:
                connection = await self._connection.get()
                self._channel = await connection.channel(
                    publisher_confirms=True, on_return_raises=True
                )
                self._exchange = await declare_topology(self._channel)
            return self._exchange

    async def publish(self, event: CloudEvent, routing_key: str) -> None:
        """Publish ``event`` persistently and wait for the broker's confirm."""
        message = aio_pika.Message(
            body=event.to_bytes(),
            content_type="application/cloudevents+json",
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            message_id=event.id,
            type=event.type,
            correlation_id=event.correlationid,
        )
        try:
            exchange = await asyncio.wait_for(self._ready_exchange(), self._timeout)
            await exchange.publish(
                message, routing_key=routing_key, mandatory=True, timeout=self._timeout
            )
        except PublishFailed:
            raise
        except Exception as exc:
            raise PublishFailed(f"{type(exc).__name__}: {exc}") from exc

    async def close(self) -> None:
        """Close the channel (the connection belongs to its owner)."""
        if self._channel is not None and not self._channel.is_closed:
            await self._channel.close()
        self._channel = None
        self._exchange = None
