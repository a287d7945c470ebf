"""``/v1/public/sessions/{id}``: the unauthenticated status view for a customer's page."""

from __future__ import annotations

from common.web import ApiError
from fastapi import APIRouter

from ledger import queries
from ledger.api.deps import Database, require_session_id
from ledger.schemas import PublicSession

__all__ = ["router"]

router = APIRouter(prefix="/v1/public", tags=["public"])


@router.get("/sessions/{session_id}", response_model=PublicSession)
async def get_public_session(session_id: str, factory: Database) -> PublicSession:
    """``{id, status, amount, currency}`` of any session; nothing else is exposed."""
    async with factory() as db:
        found = await queries.find_public_session(db, require_session_id(session_id))
    if found is None:
        raise ApiError(404, "not_found", "no such session")
    return found
