"""Request dependencies: the database, the authenticated merchant, path and cursor checks."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated

from common.ids import SESSION_ID_PATTERN
from common.web import ApiError
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ledger.api_keys import key_lookup, matches
from ledger.gateways import Gateway
from ledger.tables import merchants

__all__ = [
    "AuthenticatedMerchant",
    "Database",
    "Gateways",
    "Merchant",
    "decode_cursor",
    "encode_cursor",
    "require_idempotency_key",
    "require_session_id",
]

_IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")

_bearer = HTTPBearer(auto_error=False, description="A merchant API key (pwk_...).")


def _database(request: Request) -> async_sessionmaker[AsyncSession]:
    factory: async_sessionmaker[AsyncSession] = request.app.state.sessions
    return factory


Database = Annotated[async_sessionmaker[AsyncSession], Depends(_database)]
"""The ledger's session factory, set on ``app.state`` by ``create_app``."""


def _gateways(request: Request) -> Mapping[str, Gateway]:
    gateways: Mapping[str, Gateway] = request.app.state.ledger.gateways
    return gateways


Gateways = Annotated[Mapping[str, Gateway], Depends(_gateways)]
"""The configured provider gateways, by provider name."""


@dataclass(frozen=True, slots=True)
class AuthenticatedMerchant:
    """The merchant whose API key authenticated the request."""

    id: str
    name: str


async def _merchant(
    factory: Database,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> AuthenticatedMerchant:
    unauthorized = ApiError(401, "unauthorized", "a valid merchant API key is required")
    presented = credentials.credentials if credentials else ""
    lookup = key_lookup(presented)
    if lookup is None:
        raise unauthorized
    async with factory() as db:
        row = (
            await db.execute(
                select(merchants.c.id, merchants.c.name, merchants.c.api_key_hash).where(
                    merchants.c.api_key_lookup == lookup
                )
            )
        ).first()
    if row is None or not matches(presented, row.api_key_hash):
        raise unauthorized
    return AuthenticatedMerchant(id=row.id, name=row.name)


Merchant = Annotated[AuthenticatedMerchant, Depends(_merchant)]
"""The authenticated merchant; a missing or wrong key answers 401."""


def require_session_id(session_id: str) -> str:
    """``session_id`` if it is shaped like one; anything else cannot exist, so 404."""
    if not SESSION_ID_PATTERN.match(session_id):
        raise ApiError(404, "not_found", "no such session")
    return session_id


def require_idempotency_key(key: str | None) -> str | None:
    """``key`` if it is 1-255 visible ASCII characters (or absent), else 400."""
    if key is not None and not _IDEMPOTENCY_KEY.match(key):
        raise ApiError(
            400, "invalid_idempotency_key", "Idempotency-Key must be 1-255 visible ASCII characters"
        )
    return key


def encode_cursor(session_id: str) -> str:
    """The opaque cursor that continues a listing after ``session_id``."""
    return base64.urlsafe_b64encode(session_id.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    """The session id inside a cursor; 400 when it is not one this API issued."""
    try:
        session_id = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        session_id = ""
    if not SESSION_ID_PATTERN.match(session_id):
        raise ApiError(400, "invalid_cursor", "the cursor is not valid")
    return session_id
