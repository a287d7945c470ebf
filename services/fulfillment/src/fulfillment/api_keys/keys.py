"""Customer API keys: ``pwk_<lookup>_<secret>``, stored only as a SHA-256 hash.

The lookup part finds the row (``key_<lookup>`` is the key's id); the 43-character
base62 secret carries 256 bits, so a fast hash is safe to store and compare.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from dataclasses import dataclass

from ulid import ULID

__all__ = [
    "KEY_PREFIX",
    "NewApiKey",
    "generate_api_key",
    "hash_api_key",
    "key_id_of",
    "mask_api_key",
    "matches_hash",
]

KEY_PREFIX = "pwk"
_ALPHABET = string.ascii_letters + string.digits
_SECRET_LENGTH = 43
_HINT_LENGTH = 4


@dataclass(frozen=True, slots=True)
class NewApiKey:
    """A freshly generated key: the full ``key`` exists only in memory and sealed."""

    id: str
    key: str
    secret_hash: str
    hint: str


def generate_api_key() -> NewApiKey:
    """A new random key with its id, hash and the last characters shown when masked."""
    lookup = str(ULID())
    secret = "".join(secrets.choice(_ALPHABET) for _ in range(_SECRET_LENGTH))
    key = f"{KEY_PREFIX}_{lookup}_{secret}"
    return NewApiKey(
        id=f"key_{lookup}",
        key=key,
        secret_hash=hash_api_key(key),
        hint=secret[-_HINT_LENGTH:],
    )


def hash_api_key(key: str) -> str:
    """Hex SHA-256 of the whole key."""
    return hashlib.sha256(key.encode()).hexdigest()


def key_id_of(key: str) -> str | None:
    """The id of the row a presented key claims to be, or None when it is not key-shaped."""
    prefix, _, rest = key.partition("_")
    lookup, _, secret = rest.partition("_")
    if prefix != KEY_PREFIX or len(lookup) != 26 or not lookup.isalnum() or not secret:
        return None
    return f"key_{lookup}"


def matches_hash(key: str, secret_hash: str) -> bool:
    """Whether ``key`` hashes to ``secret_hash``, compared in constant time."""
    return hmac.compare_digest(hash_api_key(key), secret_hash)


def mask_api_key(key_id: str, hint: str) -> str:
    """The key as shown after its first reveal: ``pwk_<lookup>_********abcd``."""
    lookup = key_id.removeprefix("key_")
    return f"{KEY_PREFIX}_{lookup}_{'*' * 8}{hint}"
