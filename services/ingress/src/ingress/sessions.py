"""Reading a checkout session from the ledger's public endpoint.

``GET {ledger_url}/v1/public/sessions/{id}`` answers ``{id, status, amount, currency}``
without authentication. ingress asks it only where a provider has no signature (Pi) and
the payment must be checked against the session before anything is approved.
"""

from __future__ import annotations

from typing import Protocol

import httpx
from common.events import PaymentStatus
from common.ids import SESSION_ID_PATTERN
from pydantic import BaseModel, ConfigDict, ValidationError

__all__ = ["LedgerSessions", "LedgerUnavailable", "PublicSession", "SessionDirectory"]

_TIMEOUT = httpx.Timeout(5.0, connect=2.0)


class PublicSession(BaseModel):
    """A session as the ledger shows it to anyone: amount in minor units of ``currency``."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    status: PaymentStatus
    amount: int
    currency: str


class LedgerUnavailable(Exception):
    """The ledger did not answer, or answered something other than a session or a 404."""


class SessionDirectory(Protocol):
    """Port: look a session up by id."""

    async def get(self, session_id: str) -> PublicSession | None:
        """The session, or None when the ledger has no such session."""
        ...


class LedgerSessions:
    """``SessionDirectory`` over the ledger's HTTP API."""

    def __init__(self, ledger_url: str, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._http = httpx.AsyncClient(
            base_url=ledger_url.rstrip("/"), timeout=_TIMEOUT, transport=transport
        )

    async def get(self, session_id: str) -> PublicSession | None:
        """The session; None for an id that is not a session id or that the ledger lacks."""
        if not SESSION_ID_PATTERN.fullmatch(session_id):
            return None
        try:
            response = await self._http.get(f"/v1/public/sessions/{session_id}")
        except httpx.HTTPError as exc:
            raise LedgerUnavailable(f"ledger unreachable: {type(exc).__name__}") from exc
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise LedgerUnavailable(f"ledger answered {response.status_code}")
        try:
            return PublicSession.model_validate_json(response.content)
        except ValidationError as exc:
            raise LedgerUnavailable("ledger answered an unexpected body") from exc

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()
