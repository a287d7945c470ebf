"""Signing access tokens as JWTs and verifying them against the published keys."""

from __future__ import annotations

from collections.abc import Mapping

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from fulfillment.tokens.claims import AccessClaims
from fulfillment.tokens.keys import ALGORITHM, SigningKey

__all__ = ["CLOCK_SKEW_SECONDS", "InvalidAccessToken", "decode_access_token", "sign_access_token"]

CLOCK_SKEW_SECONDS = 30
_REQUIRED = ["iss", "aud", "sub", "sid", "jti", "iat", "exp"]


class InvalidAccessToken(Exception):
    """Malformed, unsigned, wrongly signed, expired, or from another issuer."""


def sign_access_token(claims: AccessClaims, key: SigningKey) -> str:
    """The compact JWS of ``claims``, with ``kid`` in the header."""
    return jwt.encode(
        claims.to_payload(), key.private_key, algorithm=ALGORITHM, headers={"kid": key.kid}
    )


def decode_access_token(
    token: str, keys: Mapping[str, Ed25519PublicKey], issuer: str
) -> AccessClaims:
    """Verify ``token`` with the key its ``kid`` names and return its claims.

    Only ``EdDSA`` is accepted (so never ``alg: none``). ``aud`` is read, not checked:
    the caller compares it with the merchant of the session the token was issued for.
    """
    try:
        kid = jwt.get_unverified_header(token).get("kid")
        key = keys.get(kid) if isinstance(kid, str) else None
        if key is None:
            raise InvalidAccessToken("the token names no published signing key")
        payload = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            issuer=issuer,
            leeway=CLOCK_SKEW_SECONDS,
            options={"require": _REQUIRED, "verify_aud": False},
        )
        return AccessClaims.from_payload(payload)
    except (jwt.PyJWTError, KeyError, TypeError, ValueError) as exc:
        raise InvalidAccessToken(str(exc)) from exc
