"""Merchant API keys: ``pwk_<lookup>_<secret>``, stored only as a lookup and a hash.

The lookup (16 hex characters) finds the merchant row; the SHA-256 of the whole key is
compared in constant time. Keys carry 192 random bits, so an unsalted hash is enough.
The ``pwk_`` shape is one ``common.logging`` redacts from every log line.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

__all__ = ["IssuedKey", "hash_key", "issue_key", "key_lookup", "matches"]

_KEY = re.compile(r"^pwk_([0-9a-f]{16})_([0-9a-f]{48})$")


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A new key: ``plaintext`` is shown once; ``lookup`` and ``hashed`` are stored."""

    plaintext: str
    lookup: str
    hashed: str


def issue_key() -> IssuedKey:
    """Generate a new merchant API key."""
    lookup = secrets.token_hex(8)
    plaintext = f"pwk_{lookup}_{secrets.token_hex(24)}"
    return IssuedKey(plaintext=plaintext, lookup=lookup, hashed=hash_key(plaintext))


def key_lookup(presented: str) -> str | None:
    """The lookup part of a well-formed key, or None for anything else."""
    match = _KEY.match(presented)
    return match.group(1) if match else None


def hash_key(plaintext: str) -> str:
    """The stored form of a key."""
    return hashlib.sha256(plaintext.encode()).hexdigest()


def matches(presented: str, stored_hash: str) -> bool:
    """True when ``presented`` is the key whose hash is ``stored_hash`` (constant time)."""
    return hmac.compare_digest(hash_key(presented), stored_hash)
