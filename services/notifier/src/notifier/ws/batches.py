"""Gathering items as they arrive into batches, in arrival order.

A batch is whatever has arrived when the previous one is done, up to ``max_size``; when
that is less, it waits up to ``linger_seconds`` for more. Under load batches grow by
themselves (items pile up while a batch is applied); when idle, one item waits at most
the linger.
"""

from __future__ import annotations

import asyncio
from typing import Generic, TypeVar

__all__ = ["Batcher"]

T = TypeVar("T")


class Batcher(Generic[T]):
    """A FIFO of items taken out a batch at a time."""

    def __init__(self, max_size: int, linger_seconds: float) -> None:
        self.max_size = max_size
        self._linger = linger_seconds
        self._items: asyncio.Queue[T] = asyncio.Queue()

    def add(self, item: T) -> None:
        """Queue ``item`` behind those already waiting."""
        self._items.put_nowait(item)

    async def next(self) -> list[T]:
        """The next batch: at least one item, at most ``max_size``, oldest first."""
        batch = [await self._items.get()]
        deadline = asyncio.get_running_loop().time() + self._linger
        while len(batch) < self.max_size:
            if self._items.empty():
                remaining = deadline - asyncio.get_running_loop().time()
                if remaining <= 0:
                    break
                try:
                    # A cancelled get leaves its item queued, so the timeout loses nothing.
                    batch.append(await asyncio.wait_for(self._items.get(), remaining))
                except TimeoutError:
                    break
            else:
                batch.append(self._items.get_nowait())
        return batch
