"""Sealing a new API key under the access token, so that the database alone cannot reveal it.

The key is encrypted with AES-256-GCM under a key derived (HKDF-SHA256) from the access
token, with the API key's id as salt and associated data. The token itself is never
stored, and cannot be rebuilt from the database because its signing key is stored
encrypted under a passphrase kept outside it. Whoever presents the token can unseal once:
the sealed copy is deleted at the first reveal.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = ["SealBroken", "seal_api_key", "unseal_api_key"]

_INFO = b"paywire fulfillment api-key reveal v1"
_NONCE_BYTES = 12


class SealBroken(ValueError):
    """The sealed key does not open with this token (wrong token, or tampered data)."""


def seal_api_key(api_key: str, access_token: str, key_id: str) -> bytes:
    """``nonce || ciphertext`` of ``api_key``, bound to ``key_id``."""
    nonce = os.urandom(_NONCE_BYTES)
    return nonce + _aead(access_token, key_id).encrypt(nonce, api_key.encode(), key_id.encode())


def unseal_api_key(sealed: bytes, access_token: str, key_id: str) -> str:
    """The key ``seal_api_key`` sealed; raises ``SealBroken`` for any other token or id."""
    nonce, ciphertext = sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:]
    try:
        plain = _aead(access_token, key_id).decrypt(nonce, ciphertext, key_id.encode())
    except InvalidTag as exc:
        raise SealBroken("the sealed API key does not open with this token") from exc
    return plain.decode()


def _aead(access_token: str, key_id: str) -> AESGCM:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=key_id.encode(), info=_INFO)
    return AESGCM(hkdf.derive(access_token.encode()))
