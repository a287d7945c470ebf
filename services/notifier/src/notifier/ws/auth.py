"""Who may stream what.

- ``?session=ses_...&token=<access token>``: the token's holder follows that session; the
  token's ``sid`` must be the session and its ``aud`` names the merchant.
- ``Authorization: Bearer <merchant key>``: the merchant follows one of its sessions
  (``?session=``) or all of them. A session the log knows to be another merchant's is
  refused as not found; one it has not seen yet is filtered by merchant, so nothing leaks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from common.ids import SESSION_ID_PATTERN

from notifier.ws.errors import CloseCode, CredentialsUnavailable, InvalidToken, StreamRefused
from notifier.ws.scope import StreamScope
from notifier.ws.tokens import AccessClaims

__all__ = [
    "MerchantDirectory",
    "SessionOwners",
    "StreamAuthorizer",
    "StreamRequest",
    "TokenVerifier",
]


class TokenVerifier(Protocol):
    """Port: access-token verification."""

    async def verify(self, token: str) -> AccessClaims:
        """The token's claims, or ``InvalidToken``."""
        ...


class MerchantDirectory(Protocol):
    """Port: merchant keys to merchant ids."""

    async def merchant_for(self, api_key: str) -> str | None:
        """The merchant id, or None for an unknown key."""
        ...


class SessionOwners(Protocol):
    """Port: the merchant of a session the notifier has seen."""

    async def owner_of(self, session_id: str) -> str | None:
        """The merchant id, or None when the session is unknown."""
        ...


@dataclass(frozen=True, slots=True)
class StreamRequest:
    """What the upgrade request asked for."""

    session_id: str | None = None
    token: str | None = None
    api_key: str | None = None
    last_event_id: int | None = None

    @classmethod
    def parse(cls, query: Mapping[str, str], authorization: str | None) -> StreamRequest:
        """Read the query and the ``Authorization`` header; ``StreamRefused`` when malformed."""
        session_id = query.get("session") or None
        if session_id is not None and not SESSION_ID_PATTERN.match(session_id):
            raise StreamRefused(CloseCode.BAD_REQUEST, "session is not a session id")
        last_event_id = query.get("last_event_id") or None
        if last_event_id is not None and not last_event_id.isdigit():
            raise StreamRefused(CloseCode.BAD_REQUEST, "last_event_id is not a stream id")
        api_key = None
        if authorization is not None:
            scheme, _, credentials = authorization.partition(" ")
            if scheme.lower() != "bearer" or not credentials.strip():
                raise StreamRefused(CloseCode.UNAUTHORIZED, "use Authorization: Bearer <key>")
            api_key = credentials.strip()
        return cls(
            session_id=session_id,
            token=query.get("token") or None,
            api_key=api_key,
            last_event_id=int(last_event_id) if last_event_id is not None else None,
        )


class StreamAuthorizer:
    """Turns a request's credentials into the scope it may stream."""

    def __init__(
        self, tokens: TokenVerifier, merchants: MerchantDirectory, owners: SessionOwners
    ) -> None:
        self._tokens = tokens
        self._merchants = merchants
        self._owners = owners

    async def authorize(self, request: StreamRequest) -> StreamScope:
        """The scope of ``request``; raises ``StreamRefused`` with the close code to send."""
        try:
            if request.token is not None:
                return await self._by_token(request.token, request.session_id)
            if request.api_key is not None:
                return await self._by_merchant_key(request.api_key, request.session_id)
        except CredentialsUnavailable as exc:
            raise StreamRefused(
                CloseCode.TRY_AGAIN_LATER, "credentials cannot be checked now"
            ) from exc
        raise StreamRefused(CloseCode.UNAUTHORIZED, "an access token or a merchant key is required")

    async def _by_token(self, token: str, session_id: str | None) -> StreamScope:
        if session_id is None:
            raise StreamRefused(CloseCode.BAD_REQUEST, "an access token streams one session")
        try:
            claims = await self._tokens.verify(token)
        except InvalidToken as exc:
            raise StreamRefused(CloseCode.UNAUTHORIZED, "invalid access token") from exc
        if claims.session_id != session_id:
            raise StreamRefused(CloseCode.FORBIDDEN, "the token is for another session")
        return StreamScope(merchant_id=claims.merchant_id, session_id=session_id)

    async def _by_merchant_key(self, api_key: str, session_id: str | None) -> StreamScope:
        merchant_id = await self._merchants.merchant_for(api_key)
        if merchant_id is None:
            raise StreamRefused(CloseCode.UNAUTHORIZED, "invalid merchant key")
        if session_id is not None:
            owner = await self._owners.owner_of(session_id)
            if owner is not None and owner != merchant_id:
                raise StreamRefused(CloseCode.NOT_FOUND, "no such session")
        return StreamScope(merchant_id=merchant_id, session_id=session_id)
