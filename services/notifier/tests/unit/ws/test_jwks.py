"""Fetching and caching fulfillment's JWKS, over a mocked HTTP transport."""

from __future__ import annotations

import json

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from notifier.ws.errors import CredentialsUnavailable
from notifier.ws.jwks import JwksKeys

URL = "http://fulfillment.test/.well-known/jwks.json"


def _jwk(kid: str, **extra: str) -> dict[str, str]:
    public = Ed25519PrivateKey.generate().public_key()
    return json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(public)) | {"kid": kid} | extra


class FakeFulfillment:
    def __init__(self, keys: list[dict[str, str]]) -> None:
        self.keys = keys
        self.status = 200
        self.requests = 0

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        return httpx.Response(self.status, json={"keys": self.keys})

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self.handle))


async def test_keys_are_cached_by_kid():
    """Known keys are served from the cache after one fetch."""
    fulfillment = FakeFulfillment([_jwk("k1")])
    keys = JwksKeys(fulfillment.client(), URL)

    found = [await keys.get("k1"), await keys.get("k1")]

    assert ([key.algorithm_name for key in found if key], fulfillment.requests) == (
        ["EdDSA", "EdDSA"],
        1,
    )


async def test_an_unknown_kid_refreshes_the_set():
    """A key rotated in after the first fetch is found by refreshing on its unknown kid."""
    fulfillment = FakeFulfillment([_jwk("k1")])
    keys = JwksKeys(fulfillment.client(), URL, min_refresh_seconds=0)
    await keys.get("k1")
    fulfillment.keys = [_jwk("k1"), _jwk("k2")]

    assert ((await keys.get("k2")) is not None, fulfillment.requests) == (True, 2)


async def test_unknown_kids_refresh_at_most_once_per_interval():
    """Made-up kids cannot make the notifier hammer fulfillment."""
    fulfillment = FakeFulfillment([_jwk("k1")])
    keys = JwksKeys(fulfillment.client(), URL, min_refresh_seconds=60)

    found = [await keys.get(kid) for kid in ("k1", "x", "y", "z")]

    assert ([key is not None for key in found], fulfillment.requests) == (
        [True, False, False, False],
        1,
    )


async def test_encryption_and_unsupported_keys_are_ignored():
    """Only signing keys of EdDSA or ES256 are kept."""
    fulfillment = FakeFulfillment(
        [_jwk("enc", use="enc"), {"kid": "hmac", "kty": "oct", "k": "c2VjcmV0"}, _jwk("k1")]
    )
    keys = JwksKeys(fulfillment.client(), URL, min_refresh_seconds=60)

    assert [await keys.get(kid) is not None for kid in ("k1", "enc", "hmac")] == [
        True,
        False,
        False,
    ]


async def test_an_unreachable_jwks_is_unavailable_not_invalid():
    """When the JWKS cannot be fetched, an unknown kid is reported as unavailable."""
    fulfillment = FakeFulfillment([])
    fulfillment.status = 503
    keys = JwksKeys(fulfillment.client(), URL)

    with pytest.raises(CredentialsUnavailable):
        await keys.get("k1")
