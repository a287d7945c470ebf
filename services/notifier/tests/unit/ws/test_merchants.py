"""Resolving merchant keys through the ledger, over a mocked HTTP transport."""

from __future__ import annotations

import httpx
import pytest
from notifier.ws.errors import CredentialsUnavailable
from notifier.ws.merchants import LedgerMerchants


class FakeLedger:
    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.seen: list[str] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(f"{request.url.path} {request.headers['authorization']}")
        if request.headers["authorization"] != "Bearer key_1":
            return httpx.Response(401, json={"error": {"code": "unauthorized"}})
        return httpx.Response(self.status, json={"id": "mer_1", "name": "Acme"})

    def merchants(self) -> LedgerMerchants:
        client = httpx.AsyncClient(transport=httpx.MockTransport(self.handle))
        return LedgerMerchants(client, "http://ledger.test/", cache_seconds=60)


async def test_a_known_key_resolves_once_then_from_the_cache():
    """A merchant key is asked of the ledger once, then served from the cache."""
    ledger = FakeLedger()
    merchants = ledger.merchants()

    found = [await merchants.merchant_for("key_1"), await merchants.merchant_for("key_1")]

    assert (found, ledger.seen) == (["mer_1", "mer_1"], ["/v1/merchant Bearer key_1"])


async def test_an_unknown_key_is_none_and_not_cached():
    """A key the ledger refuses resolves to None each time it is asked."""
    ledger = FakeLedger()
    merchants = ledger.merchants()

    found = [await merchants.merchant_for("nope"), await merchants.merchant_for("nope")]

    assert (found, len(ledger.seen)) == ([None, None], 2)


async def test_a_failing_ledger_is_unavailable():
    """A ledger answering 500 cannot vouch for anyone."""
    with pytest.raises(CredentialsUnavailable):
        await FakeLedger(status=500).merchants().merchant_for("key_1")
