from typing import Any

import httpx
import pytest
from fulfillment.merchants import LedgerMerchants, LedgerUnavailable


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_a_valid_key_is_asked_once_within_the_cache_time(ledger: Any) -> None:
    """The ledger's yes is cached for 60 s, then asked again."""
    merchant, key = ledger.add_merchant("Acme")
    clock = Clock()
    merchants = LedgerMerchants(ledger.client(), cache_seconds=60, clock=clock)
    before = ledger.calls
    answers = [await merchants.authenticate(key), await merchants.authenticate(key)]
    clock.now += 61
    answers.append(await merchants.authenticate(key))
    await merchants.close()
    assert (answers, ledger.calls - before) == ([merchant, merchant, merchant], 2)


async def test_an_unknown_key_is_refused_and_not_cached(ledger: Any) -> None:
    """The ledger's 401 means no merchant, asked again every time."""
    merchants = LedgerMerchants(ledger.client())
    before = ledger.calls
    answers = [await merchants.authenticate("sk_nope"), await merchants.authenticate("sk_nope")]
    await merchants.close()
    assert (answers, ledger.calls - before) == ([None, None], 2)


@pytest.mark.parametrize(
    "reply",
    [
        httpx.Response(500),
        httpx.Response(200, json={"unexpected": True}),
        httpx.ConnectError("refused"),
    ],
)
async def test_a_ledger_that_gives_no_answer_is_unavailable(
    reply: httpx.Response | Exception,
) -> None:
    """An error, a malformed yes or no connection is neither yes nor no."""

    def respond(_: httpx.Request) -> httpx.Response:
        if isinstance(reply, Exception):
            raise reply
        return reply

    client = httpx.AsyncClient(transport=httpx.MockTransport(respond), base_url="http://ledger")
    merchants = LedgerMerchants(client)
    with pytest.raises(LedgerUnavailable):
        await merchants.authenticate("sk_any")
    await merchants.close()


async def test_the_cache_stays_bounded(ledger: Any) -> None:
    """Past its size the cache forgets the oldest entries."""
    merchants = LedgerMerchants(ledger.client(), max_cached=2)
    keys = [ledger.add_merchant(f"M{i}")[1] for i in range(3)]
    for key in keys:
        await merchants.authenticate(key)
    before = ledger.calls
    await merchants.authenticate(keys[0])
    await merchants.authenticate(keys[2])
    await merchants.close()
    assert ledger.calls - before == 1
