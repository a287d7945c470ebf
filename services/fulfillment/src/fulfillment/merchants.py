"""Authenticating merchant API keys by asking the ledger, which owns merchants.

fulfillment reads no other service's tables: it sends the presented key to the
ledger's ``GET /v1/merchant`` (``Authorization: Bearer <key>`` → 200
``{"id": "mer_...", "name": ...}`` or 401) and caches positive answers briefly, keyed
by the key's hash, so that a revoked merchant key stops working within that time.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

__all__ = ["LedgerMerchants", "LedgerUnavailable", "Merchant"]


@dataclass(frozen=True, slots=True)
class Merchant:
    """An authenticated merchant."""

    id: str
    name: str


class LedgerUnavailable(Exception):
    """The ledger did not give a yes or no about a key (down, timing out, or erroring)."""


class LedgerMerchants:
    """Asks the ledger who owns a merchant key; ``client`` has the ledger as ``base_url``."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        cache_seconds: float = 60.0,
        max_cached: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._ttl = cache_seconds
        self._max_cached = max_cached
        self._clock = clock
        self._cache: dict[str, tuple[Merchant, float]] = {}

    async def authenticate(self, api_key: str) -> Merchant | None:
        """The key's merchant, or None when the ledger says the key is not valid."""
        digest = hashlib.sha256(api_key.encode()).hexdigest()
        cached = self._cache.get(digest)
        now = self._clock()
        if cached is not None and cached[1] > now:
            return cached[0]
        try:
            response = await self._client.get(
                "/v1/merchant", headers={"Authorization": f"Bearer {api_key}"}
            )
        except httpx.HTTPError as exc:
            raise LedgerUnavailable(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code in (401, 403):
            self._cache.pop(digest, None)
            return None
        if response.status_code != 200:
            raise LedgerUnavailable(f"ledger answered {response.status_code}")
        try:
            body = response.json()
            merchant = Merchant(id=str(body["id"]), name=str(body["name"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise LedgerUnavailable("ledger answered 200 without a merchant") from exc
        self._remember(digest, merchant, now)
        return merchant

    async def close(self) -> None:
        """Close the HTTP client."""
        await self._client.aclose()

    def _remember(self, digest: str, merchant: Merchant, now: float) -> None:
        if len(self._cache) >= self._max_cached:
            self._cache = {k: v for k, v in self._cache.items() if v[1] > now}
            while len(self._cache) >= self._max_cached:
                del self._cache[next(iter(self._cache))]
        self._cache[digest] = (merchant, now + self._ttl)
