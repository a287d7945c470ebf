"""The signing keys kept in the database: the newest signs, the two newest verify.

Rotation adds a key that signs from then on; the key it replaces stays published, so
tokens it signed keep verifying. Rotate at most once per token lifetime (7 days) for
every live token to stay verifiable. Private keys are stored encrypted under the
configured passphrase and decrypted once per process.
"""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import SecretStr
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from fulfillment.tables import signing_keys
from fulfillment.tokens.keys import (
    ALGORITHM,
    SigningKey,
    decrypt_private_key,
    encrypt_private_key,
    generate_signing_key,
    public_jwk,
    public_key_from_jwk,
)

__all__ = ["PUBLISHED_KEYS", "SigningKeyRing"]

PUBLISHED_KEYS = 2
"""How many of the newest keys the JWKS lists and tokens may be signed with."""

_NEWEST_FIRST = (signing_keys.c.created_at.desc(), signing_keys.c.kid.desc())
_KEY_CREATION_LOCK = func.pg_advisory_xact_lock(
    func.hashtextextended("fulfillment.signing_keys", 0)
)


class SigningKeyRing:
    """Reads, creates and rotates the signing keys, each call in its own short transaction."""

    def __init__(self, engine: AsyncEngine, passphrase: SecretStr) -> None:
        self._engine = engine
        self._passphrase = passphrase
        self._decrypted: dict[str, SigningKey] = {}

    async def current(self) -> SigningKey:
        """The key that signs new tokens; the first call on an empty table creates one."""
        async with self._engine.begin() as conn:
            row = await self._newest(conn)
            if row is None:
                await conn.execute(select(_KEY_CREATION_LOCK))
                row = await self._newest(conn)
                if row is None:
                    return await self._insert(conn)
        return self._decrypt(*row)

    async def rotate(self) -> SigningKey:
        """Add a new key that signs from now on; the previous one stays published."""
        async with self._engine.begin() as conn:
            await conn.execute(select(_KEY_CREATION_LOCK))
            return await self._insert(conn)

    async def published(self) -> list[dict[str, Any]]:
        """Public JWKs of the current and the previous key, newest first."""
        async with self._engine.connect() as conn:
            rows = await conn.execute(
                select(signing_keys.c.public_jwk).order_by(*_NEWEST_FIRST).limit(PUBLISHED_KEYS)
            )
            return [dict(jwk) for jwk in rows.scalars()]

    async def verification_keys(self) -> dict[str, Ed25519PublicKey]:
        """The published keys by ``kid``: a token signed by an older key no longer verifies."""
        return {jwk["kid"]: public_key_from_jwk(jwk) for jwk in await self.published()}

    async def _newest(self, conn: AsyncConnection) -> tuple[str, bytes] | None:
        query = select(signing_keys.c.kid, signing_keys.c.private_key).order_by(*_NEWEST_FIRST)
        row = (await conn.execute(query.limit(1))).first()
        return None if row is None else (row.kid, row.private_key)

    async def _insert(self, conn: AsyncConnection) -> SigningKey:
        key = generate_signing_key()
        await conn.execute(
            insert(signing_keys).values(
                kid=key.kid,
                algorithm=ALGORITHM,
                public_jwk=public_jwk(key),
                private_key=encrypt_private_key(key, self._passphrase.get_secret_value()),
            )
        )
        self._decrypted[key.kid] = key
        return key

    def _decrypt(self, kid: str, pem: bytes) -> SigningKey:
        if kid not in self._decrypted:
            self._decrypted[kid] = decrypt_private_key(
                kid, pem, self._passphrase.get_secret_value()
            )
        return self._decrypted[kid]
