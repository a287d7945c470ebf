"""Gathering the fan-out's deliveries into batches."""

from __future__ import annotations

import asyncio

from notifier.ws.batches import Batcher


async def test_a_batch_is_what_has_arrived_up_to_the_maximum_in_order():
    """Waiting items come out oldest first, at most ``max_size`` at a time."""
    batcher: Batcher[int] = Batcher(max_size=3, linger_seconds=0)
    for item in range(7):
        batcher.add(item)

    batches = [await batcher.next(), await batcher.next(), await batcher.next()]

    assert batches == [[0, 1, 2], [3, 4, 5], [6]]


async def test_a_short_batch_waits_the_linger_for_more():
    """Items that arrive within the linger join the batch; later ones start the next."""
    batcher: Batcher[str] = Batcher(max_size=10, linger_seconds=0.2)
    loop = asyncio.get_running_loop()
    batcher.add("first")
    loop.call_later(0.05, batcher.add, "within")
    loop.call_later(0.5, batcher.add, "after")

    batches = [await batcher.next(), await batcher.next()]

    assert batches == [["first", "within"], ["after"]]


async def test_a_full_batch_does_not_wait_the_linger():
    """A batch that reaches ``max_size`` is handed out at once."""
    batcher: Batcher[int] = Batcher(max_size=2, linger_seconds=30)
    batcher.add(1)
    batcher.add(2)

    batch = await asyncio.wait_for(batcher.next(), 1)

    assert batch == [1, 2]


async def test_the_first_item_is_awaited_however_long_it_takes():
    """``next`` waits for an item rather than handing out an empty batch."""
    batcher: Batcher[int] = Batcher(max_size=5, linger_seconds=0)
    asyncio.get_running_loop().call_later(0.1, batcher.add, 42)

    assert await batcher.next() == [42]
