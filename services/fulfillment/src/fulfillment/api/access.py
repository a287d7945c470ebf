"""``GET /v1/access/{token}``: the customer's page for a paid session.

HTML for a person, JSON when ``Accept`` prefers ``application/json``. The first visit
reveals the API key in full and destroys its sealed copy; later visits show it masked.
A revoked grant shows a notice instead of the key. A token that does not verify gets
401, as a page for browsers and as JSON otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from common.logging import get_logger
from common.web import error_response
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from fulfillment.access import Access, open_access
from fulfillment.api.negotiation import accepts_html, prefers_json
from fulfillment.api.pages import PRIVATE_HEADERS, render_page
from fulfillment.api_keys import mask_api_key, reveal_api_key
from fulfillment.bootstrap import Services
from fulfillment.invoices import Invoice
from fulfillment.tokens import InvalidAccessToken

__all__ = ["AccessView", "access_router"]

log = get_logger(__name__)


def access_router(services: Services) -> APIRouter:
    """The access page route."""
    router = APIRouter()

    @router.get("/v1/access/{token}", response_model=None)
    async def access_page(token: str, request: Request) -> Response:
        accept = request.headers.get("accept", "")
        async with services.uow.begin() as session:
            try:
                access = await open_access(session, services.keyring, token, services.issuer)
            except InvalidAccessToken as exc:
                log.info("access_token_rejected", reason=str(exc)[:200])
                if accepts_html(accept):
                    return render_page("denied.html", status_code=401)
                return error_response(401, "invalid_token", "the access token is not valid")
            revoked = access.grant.denied
            api_key = (
                None if revoked else await reveal_api_key(session, access.grant.api_key_id, token)
            )
        log.info(
            "access_page_served",
            session_id=access.grant.session_id,
            revealed=api_key is not None,
            revoked=revoked,
        )
        view = AccessView(
            invoice=access.invoice,
            revoked=revoked,
            api_key=api_key,
            masked_key=mask_api_key(access.grant.api_key_id, access.grant.api_key_hint),
            api_key_id=access.grant.api_key_id,
            pdf_url=None if revoked else _pdf_url(services, access, token),
            expires_at=access.claims.expires_at,
        )
        if prefers_json(accept):
            return JSONResponse(view.to_json(), headers=PRIVATE_HEADERS)
        return render_page("access.html", view=view)

    return router


@dataclass(frozen=True, slots=True)
class AccessView:
    """What the access page shows; ``api_key`` is set on the first visit only."""

    invoice: Invoice
    revoked: bool
    api_key: str | None
    masked_key: str
    api_key_id: str
    pdf_url: str | None
    expires_at: datetime

    def to_json(self) -> dict[str, Any]:
        """The page as JSON."""
        invoice = self.invoice
        return {
            "status": "revoked" if self.revoked else "active",
            "session_id": invoice.session_id,
            "merchant": {"id": invoice.merchant_id, "name": invoice.merchant_name},
            "customer": invoice.customer,
            "product": invoice.product,
            "invoice": {
                "id": invoice.id,
                "number": invoice.number,
                "amount": invoice.amount,
                "currency": invoice.currency,
                "amount_display": invoice.amount_display,
                "issued_at": invoice.issued_at.isoformat(),
                "pdf_url": self.pdf_url,
            },
            "api_key": {"id": self.api_key_id, "key": self.api_key, "masked": self.masked_key},
            "expires_at": self.expires_at.isoformat(),
        }


def _pdf_url(services: Services, access: Access, token: str) -> str:
    return f"{services.issuer}/v1/invoices/{access.invoice.id}.pdf?token={token}"
