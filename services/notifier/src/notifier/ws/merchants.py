"""Who a merchant key belongs to, asked of the ledger and cached briefly.

``GET {ledger_url}/v1/merchant`` with ``Authorization: Bearer <key>`` answers 200
``{"id": "mer_...", ...}`` or 401. Only successful answers are cached, under the key's
SHA-256 so the process never keeps the key itself.
"""

from __future__ import annotations

import hashlib
import time

import httpx

from notifier.ws.errors import CredentialsUnavailable

__all__ = ["LedgerMerchants"]

_MAX_CACHED = 10_000


class LedgerMerchants:
    """Resolves merchant keys through the ledger's ``/v1/merchant``."""

    def __init__(
        self, http: httpx.AsyncClient, ledger_url: str, cache_seconds: float = 30.0
    ) -> None:
        self._http = http
        self._url = f"{ledger_url.rstrip('/')}/v1/merchant"
        self._ttl = cache_seconds
        self._cache: dict[str, tuple[str, float]] = {}

    async def merchant_for(self, api_key: str) -> str | None:
        """The merchant id of ``api_key``, or None when the ledger does not know the key."""
        digest = hashlib.sha256(api_key.encode()).hexdigest()
        now = time.monotonic()
        cached = self._cache.get(digest)
        if cached is not None and cached[1] > now:
            return cached[0]
        try:
            response = await self._http.get(
                self._url, headers={"Authorization": f"Bearer {api_key}"}
            )
        except httpx.HTTPError as exc:
            raise CredentialsUnavailable(f"ledger unreachable: {type(exc).__name__}") from exc
        if response.status_code in (401, 403):
            return None
        merchant_id = _merchant_id(response)
        if merchant_id is None:
            raise CredentialsUnavailable(f"ledger answered {response.status_code}")
        if len(self._cache) >= _MAX_CACHED:
            self._cache.clear()
        self._cache[digest] = (merchant_id, now + self._ttl)
        return merchant_id


def _merchant_id(response: httpx.Response) -> str | None:
    if response.status_code != 200:
        return None
    try:
        merchant_id = response.json()["id"]
    except (ValueError, KeyError, TypeError):
        return None
    return merchant_id if isinstance(merchant_id, str) else None
