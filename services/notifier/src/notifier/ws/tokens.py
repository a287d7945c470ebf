"""Verifying the customer's access token: a JWT that fulfillment signed.

The token carries ``kid`` in its header, ``sid`` (the session), ``aud`` (the merchant)
and ``exp``; it is signed with EdDSA or ES256 by a key listed in fulfillment's JWKS.
``alg: none``, an algorithm other than the key's, a bad signature, an expired token or a
missing claim all fail the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import jwt

from notifier.ws.errors import InvalidToken
from notifier.ws.jwks import ALGORITHMS

__all__ = ["AccessClaims", "AccessTokenVerifier", "SigningKeys"]


class SigningKeys(Protocol):
    """Port: public keys by ``kid``."""

    async def get(self, kid: str) -> jwt.PyJWK | None:
        """The key with id ``kid``, or None."""
        ...


@dataclass(frozen=True, slots=True)
class AccessClaims:
    """What a verified access token grants: one session of one merchant."""

    session_id: str
    merchant_id: str


class AccessTokenVerifier:
    """Checks access tokens against the signing keys."""

    def __init__(self, keys: SigningKeys) -> None:
        self._keys = keys

    async def verify(self, token: str) -> AccessClaims:
        """The token's claims; raises ``InvalidToken`` unless it is genuine and current."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidToken("malformed token") from exc
        algorithm, kid = header.get("alg"), header.get("kid")
        if algorithm not in ALGORITHMS or not isinstance(kid, str):
            raise InvalidToken("unsupported algorithm or no key id")
        key = await self._keys.get(kid)
        if key is None or key.algorithm_name != algorithm:
            raise InvalidToken("unknown signing key")
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=[algorithm],
                options={"require": ["exp", "aud", "sid"], "verify_aud": False},
            )
        except jwt.PyJWTError as exc:
            raise InvalidToken(type(exc).__name__) from exc
        audience, session_id = claims["aud"], claims["sid"]
        if isinstance(audience, list) and len(audience) == 1:
            audience = audience[0]
        if not isinstance(audience, str) or not isinstance(session_id, str):
            raise InvalidToken("aud and sid must be strings")
        return AccessClaims(session_id=session_id, merchant_id=audience)
