"""Ed25519 signing keys: generation, their public JWK, and the private key encrypted at rest."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from common.ids import new_id
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

__all__ = [
    "ALGORITHM",
    "SigningKey",
    "decrypt_private_key",
    "encrypt_private_key",
    "generate_signing_key",
    "public_jwk",
    "public_key_from_jwk",
]

ALGORITHM = "EdDSA"
"""The JWS ``alg`` of every access token (RFC 8037, Ed25519)."""


@dataclass(frozen=True, slots=True)
class SigningKey:
    """A private signing key and the ``kid`` its tokens carry in their header."""

    kid: str
    private_key: Ed25519PrivateKey


def generate_signing_key() -> SigningKey:
    """A new Ed25519 key with a new time-sortable ``kid``."""
    return SigningKey(kid=new_id("sig"), private_key=Ed25519PrivateKey.generate())


def public_jwk(key: SigningKey) -> dict[str, Any]:
    """The public half as a JWK with ``kid``, ``alg`` and ``use``."""
    raw = key.private_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": base64.urlsafe_b64encode(raw).rstrip(b"=").decode(),
        "kid": key.kid,
        "alg": ALGORITHM,
        "use": "sig",
    }


def public_key_from_jwk(jwk: dict[str, Any]) -> Ed25519PublicKey:
    """The verification key of a JWK made by ``public_jwk``."""
    x = str(jwk["x"])
    return Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(x + "=" * (-len(x) % 4)))


def encrypt_private_key(key: SigningKey, passphrase: str) -> bytes:
    """PKCS#8 PEM of the private key, encrypted under ``passphrase``."""
    return key.private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase.encode()),
    )


def decrypt_private_key(kid: str, pem: bytes, passphrase: str) -> SigningKey:
    """The key ``encrypt_private_key`` stored; raises ``ValueError`` for a wrong passphrase."""
    private_key = serialization.load_pem_private_key(pem, password=passphrase.encode())
    if not isinstance(private_key, Ed25519PrivateKey):
        raise ValueError(f"signing key {kid} is not an Ed25519 key")
    return SigningKey(kid=kid, private_key=private_key)
