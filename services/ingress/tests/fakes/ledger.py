"""A fake ledger serving ``GET /v1/public/sessions/{id}`` as the real one answers it."""

from __future__ import annotations

from typing import Any

from common.ids import new_session_id
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

__all__ = ["FakeLedger"]


class FakeLedger:
    """Sessions by id: ``{id, status, amount, currency}``; any other id answers 404."""

    def __init__(self) -> None:
        self.sessions: dict[str, dict[str, Any]] = {}
        self.app = Starlette(routes=[Route("/v1/public/sessions/{session_id}", self._get)])

    def add(self, amount: int, currency: str = "PI", status: str = "created") -> str:
        """A new session; returns its id."""
        session_id = new_session_id()
        self.sessions[session_id] = {
            "id": session_id,
            "status": status,
            "amount": amount,
            "currency": currency,
        }
        return session_id

    async def _get(self, request: Request) -> JSONResponse:
        found = self.sessions.get(request.path_params["session_id"])
        if found is None:
            error = {"code": "not_found", "message": "no such session"}
            return JSONResponse({"error": error}, status_code=404)
        return JSONResponse(found)
