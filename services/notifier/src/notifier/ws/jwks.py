"""Fulfillment's token-signing keys, read from its JWKS and cached by ``kid``.

An unknown ``kid`` triggers a refresh (a key rotation), at most once per
``min_refresh_seconds`` so that tokens with made-up ids cannot hammer fulfillment; the
whole set is also refreshed after ``max_age_seconds`` so retired keys stop verifying.
While fulfillment cannot be reached, keys already known keep working.
"""

from __future__ import annotations

import asyncio
import math
import time
from typing import Any

import httpx
import jwt
from common.logging import get_logger

from notifier.ws.errors import CredentialsUnavailable

__all__ = ["ALGORITHMS", "JwksKeys"]

ALGORITHMS = ("EdDSA", "ES256")
log = get_logger(__name__)


class JwksKeys:
    """Signing keys by ``kid`` from one JWKS URL."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        url: str,
        min_refresh_seconds: float = 5.0,
        max_age_seconds: float = 600.0,
    ) -> None:
        self._http = http
        self._url = url
        self._min_refresh = min_refresh_seconds
        self._max_age = max_age_seconds
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = -math.inf
        self._attempted_at = -math.inf
        self._failing = False
        self._lock = asyncio.Lock()

    async def get(self, kid: str) -> jwt.PyJWK | None:
        """The key with id ``kid``, or None when the JWKS does not list it."""
        async with self._lock:
            now = time.monotonic()
            stale = now - self._fetched_at >= self._max_age
            if (kid not in self._keys or stale) and now - self._attempted_at >= self._min_refresh:
                self._attempted_at = now
                await self._refresh(now)
            if kid not in self._keys and self._failing:
                raise CredentialsUnavailable("the JWKS cannot be fetched")
            return self._keys.get(kid)

    async def _refresh(self, now: float) -> None:
        try:
            response = await self._http.get(self._url)
            response.raise_for_status()
            keys = _parse(response.json())
        except (httpx.HTTPError, ValueError) as exc:
            self._failing = True
            log.warning("jwks_fetch_failed", url=self._url, error=f"{type(exc).__name__}: {exc}")
            return
        self._keys = keys
        self._fetched_at = now
        self._failing = False
        log.info("jwks_fetched", url=self._url, kids=sorted(keys))


def _parse(document: Any) -> dict[str, jwt.PyJWK]:
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError("not a JWK set")
    keys: dict[str, jwt.PyJWK] = {}
    for entry in document["keys"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("kid"), str):
            continue
        if entry.get("use", "sig") != "sig":
            continue
        try:
            key = jwt.PyJWK(entry)
        except (jwt.PyJWKError, jwt.InvalidKeyError):
            continue
        if key.algorithm_name in ALGORITHMS:
            keys[entry["kid"]] = key
    return keys
