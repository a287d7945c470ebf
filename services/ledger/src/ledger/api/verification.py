"""Confirming a session's payment now: with the provider (``verify``), or by the
merchant's word for a payment made outside paywire (``manual-verification``)."""

from __future__ import annotations

from common.web import ApiError
from fastapi import APIRouter

from ledger import queries
from ledger.api.deps import Database, Gateways, Merchant, require_session_id
from ledger.manual_verification import confirm_manually
from ledger.provider_failures import reported_as_502
from ledger.reconciliation.answers import check_now
from ledger.reconciliation.store import load_request
from ledger.schemas import ManualVerification, SessionDetail

__all__ = ["router"]

router = APIRouter(prefix="/v1/sessions", tags=["sessions"])


@router.post("/{session_id}/verify", response_model=SessionDetail)
async def verify_session(
    session_id: str, merchant: Merchant, factory: Database, gateways: Gateways
) -> SessionDetail:
    """Ask the provider for the payment's status now (the return-URL fast path) and answer
    the session as it stands after; 502 when the provider fails, 422 without its API."""
    session_id = require_session_id(session_id)
    async with factory() as db:
        found = await load_request(db, session_id, merchant.id)
    if found is None:
        raise ApiError(404, "not_found", "no such session")
    provider, request = found
    gateway = gateways.get(provider)
    if gateway is None:
        raise ApiError(
            422, "verification_unsupported", f"paywire has no {provider} API access configured"
        )
    with reported_as_502(provider):
        await check_now(factory, gateway, request)
    return await _session(factory, merchant.id, session_id)


@router.post("/{session_id}/manual-verification", response_model=SessionDetail)
async def verify_session_manually(
    session_id: str, body: ManualVerification, merchant: Merchant, factory: Database
) -> SessionDetail:
    """Mark the session paid for a payment confirmed outside paywire; the merchant and the
    note are kept on the timeline. 409 when the session is already settled."""
    session_id = require_session_id(session_id)
    await confirm_manually(factory, merchant.id, session_id, body.note)
    return await _session(factory, merchant.id, session_id)


async def _session(factory: Database, merchant_id: str, session_id: str) -> SessionDetail:
    async with factory() as db:
        found = await queries.find_session(db, merchant_id, session_id)
    if found is None:
        raise ApiError(404, "not_found", "no such session")
    return found
