"""A lazily opened, self-healing AMQP connection.

A process starts even while the broker is down; the first use connects, and
``connect_robust`` restores channels and consumers after a broker restart.
"""

from __future__ import annotations

import asyncio

import aio_pika
from aio_pika.abc import AbstractRobustConnection
from aio_pika.connection import make_url

__all__ = ["AmqpConnection"]


class AmqpConnection:
    """Owns one robust connection to RabbitMQ for a process."""

    def __init__(self, url: str, connect_timeout: float = 5.0) -> None:
        self._url = url
        self._timeout = connect_timeout
        self._connection: AbstractRobustConnection | None = None
        self._lock = asyncio.Lock()

    async def get(self) -> AbstractRobustConnection:
        """The open connection, connecting first if needed (raises when the broker is down)."""
        async with self._lock:
            if self._connection is None or self._connection.is_closed:
                connection = aio_pika.RobustConnection(make_url(self._url, reconnect_interval=1.0))
                try:
                    await connection.connect(timeout=self._timeout)
                except BaseException:
                    # A failed or cancelled first connect would otherwise keep retrying
                    # in the background forever.
                    await connection.close()
                    raise
                self._connection = connection
            return self._connection

    async def is_ready(self) -> bool:
        """True when a connection to the broker is open now."""
        try:
            connection = await asyncio.wait_for(self.get(), self._timeout)
        except Exception:
            return False
        return connection.connected.is_set()

    async def close(self) -> None:
        """Close the connection if one was opened."""
        if self._connection is not None:
            await self._connection.close()
            self._connection = None
