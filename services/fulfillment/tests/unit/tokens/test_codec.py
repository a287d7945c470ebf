import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from fulfillment.tokens import AccessClaims, InvalidAccessToken, SigningKey, decode_access_token
from fulfillment.tokens.codec import sign_access_token
from fulfillment.tokens.keys import generate_signing_key, public_jwk, public_key_from_jwk

ISSUER = "https://pay.example"


def claims(issued_at: datetime | None = None, issuer: str = ISSUER) -> AccessClaims:
    issued = (issued_at or datetime.now(UTC)).replace(microsecond=0)
    return AccessClaims(
        jti="tok_1",
        issuer=issuer,
        audience="mer_1",
        subject="cus_1",
        session_id="ses_1",
        product="Pro plan",
        issued_at=issued,
        expires_at=issued + timedelta(days=7),
    )


def test_a_signed_token_decodes_to_its_claims() -> None:
    """A token verifies with the key its kid names and yields its claims."""
    key = generate_signing_key()
    token = sign_access_token(claims(), key)
    header = jwt.get_unverified_header(token)
    decoded = decode_access_token(token, {key.kid: key.private_key.public_key()}, ISSUER)
    assert (header, decoded) == (
        {"alg": "EdDSA", "kid": key.kid, "typ": "JWT"},
        claims(decoded.issued_at),
    )


def test_the_published_jwk_verifies_with_pyjwt() -> None:
    """The JWK made for a key verifies its tokens with PyJWT's own JWK support."""
    key = generate_signing_key()
    token = sign_access_token(claims(), key)
    pyjwk = jwt.PyJWK.from_dict(public_jwk(key))
    payload = jwt.decode(token, pyjwk, algorithms=["EdDSA"], audience="mer_1", issuer=ISSUER)
    assert (payload["sid"], public_key_from_jwk(public_jwk(key)).public_bytes_raw()) == (
        "ses_1",
        key.private_key.public_key().public_bytes_raw(),
    )


def _unsigned(payload: dict[str, object], kid: str) -> str:
    def part(value: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'kid': kid})}.{part(payload)}."


def test_rejected_tokens() -> None:
    """Unsigned, foreign-signed, expired, wrong-issuer and garbage tokens do not verify."""
    key, stranger = generate_signing_key(), generate_signing_key()
    keys = {key.kid: key.private_key.public_key()}
    long_ago = datetime.now(UTC) - timedelta(days=8)
    forged_kid = SigningKey(kid=key.kid, private_key=stranger.private_key)
    tokens = {
        "alg none": _unsigned(claims().to_payload(), key.kid),
        "unknown kid": sign_access_token(claims(), stranger),
        "wrong signature": sign_access_token(claims(), forged_kid),
        "expired": sign_access_token(claims(long_ago), key),
        "other issuer": sign_access_token(claims(issuer="https://evil.example"), key),
        "garbage": "not-a-jwt",
    }
    rejected = []
    for name, token in tokens.items():
        with pytest.raises(InvalidAccessToken):
            decode_access_token(token, keys, ISSUER)
        rejected.append(name)
    assert rejected == list(tokens)
