"""Verifying access tokens against signing keys, without a JWKS server."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from notifier.ws.errors import InvalidToken
from notifier.ws.tokens import AccessClaims, AccessTokenVerifier

ED_KEY = Ed25519PrivateKey.generate()
EC_KEY = generate_private_key(SECP256R1())


class FakeKeys:
    def __init__(self) -> None:
        ed = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(ED_KEY.public_key()))
        ec = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(EC_KEY.public_key()))
        self.keys = {"ed": jwt.PyJWK(ed), "ec": jwt.PyJWK(ec)}

    async def get(self, kid: str) -> jwt.PyJWK | None:
        return self.keys.get(kid)


def _token(key=ED_KEY, algorithm="EdDSA", kid="ed", **changes: object) -> str:
    claims = {"sid": "ses_1", "aud": "mer_1", "exp": datetime.now(UTC) + timedelta(hours=1)}
    claims = {name: value for name, value in (claims | changes).items() if value is not None}
    return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": kid})


@pytest.mark.parametrize(
    "token",
    [_token(), _token(EC_KEY, "ES256", "ec"), _token(aud=["mer_1"])],
    ids=["eddsa", "es256", "aud-list"],
)
async def test_a_genuine_token_grants_its_session(token):
    """An EdDSA or ES256 token signed by a listed key grants its session of its merchant."""
    assert await AccessTokenVerifier(FakeKeys()).verify(token) == AccessClaims("ses_1", "mer_1")


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        _token(exp=datetime.now(UTC) - timedelta(seconds=1)),
        _token(key=Ed25519PrivateKey.generate()),
        _token(kid="unknown"),
        _token(EC_KEY, "ES256", "ed"),
        _token(sid=None),
        _token(aud=None),
        _token(exp=None),
        jwt.encode({"sid": "ses_1", "aud": "mer_1"}, "k" * 32, algorithm="HS256"),
    ],
    ids=[
        "garbage",
        "expired",
        "wrong-signature",
        "unknown-kid",
        "algorithm-not-the-keys",
        "no-sid",
        "no-aud",
        "no-exp",
        "hmac",
    ],
)
async def test_a_bad_token_is_invalid(token):
    """Malformed, expired, badly signed, mismatched or incomplete tokens are refused."""
    with pytest.raises(InvalidToken):
        await AccessTokenVerifier(FakeKeys()).verify(token)


async def test_alg_none_is_refused():
    """An unsigned token (``alg: none``) is refused even with a known kid."""
    token = jwt.encode(
        {"sid": "ses_1", "aud": "mer_1", "exp": datetime.now(UTC) + timedelta(hours=1)},
        None,
        algorithm="none",
        headers={"kid": "ed"},
    )

    with pytest.raises(InvalidToken):
        await AccessTokenVerifier(FakeKeys()).verify(token)
