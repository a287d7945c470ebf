"""``GET /v1/invoices/{id}.pdf``: the invoice PDF, for its merchant or its customer.

Either ``Authorization: Bearer <merchant key>`` (the invoice's own merchant) or
``?token=<access token>`` (the token issued with that invoice, not revoked). The PDF is
rendered on the first download, off the event loop, and cached on the invoice row.
"""

from __future__ import annotations

import asyncio

from common.web import ApiError
from fastapi import APIRouter, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from fulfillment.access import open_access
from fulfillment.api.auth import merchant_authenticator
from fulfillment.api.pages import PRIVATE_HEADERS
from fulfillment.bootstrap import Services
from fulfillment.invoices import Invoice, cache_pdf, cached_pdf, load_invoice, render_invoice_pdf
from fulfillment.merchants import Merchant
from fulfillment.tokens import InvalidAccessToken

__all__ = ["invoices_router"]


def invoices_router(services: Services) -> APIRouter:
    """The invoice PDF route."""
    router = APIRouter()
    authenticate_merchant = merchant_authenticator(services.merchants)

    @router.get("/v1/invoices/{invoice_id}.pdf")
    async def invoice_pdf(invoice_id: str, request: Request, token: str | None = None) -> Response:
        async with services.uow() as session:
            if token is not None:
                invoice = await _customer_invoice(services, session, token, invoice_id)
            else:
                invoice = await _merchant_invoice(
                    session, await authenticate_merchant(request), invoice_id
                )
            pdf = await cached_pdf(session, invoice.id)
        if pdf is None:
            rendered = await asyncio.to_thread(render_invoice_pdf, invoice)
            async with services.uow.begin() as session:
                pdf = await cache_pdf(session, invoice.id, rendered)
        return Response(
            pdf,
            media_type="application/pdf",
            headers={
                **PRIVATE_HEADERS,
                "Content-Disposition": f'inline; filename="{invoice.number}.pdf"',
            },
        )

    return router


async def _customer_invoice(
    services: Services, session: AsyncSession, token: str, invoice_id: str
) -> Invoice:
    try:
        access = await open_access(session, services.keyring, token, services.issuer)
    except InvalidAccessToken as exc:
        raise ApiError(401, "invalid_token", "the access token is not valid") from exc
    if access.grant.denied:
        raise ApiError(401, "token_revoked", "the access token was revoked")
    if access.invoice.id != invoice_id:
        raise _not_found()
    return access.invoice


async def _merchant_invoice(session: AsyncSession, merchant: Merchant, invoice_id: str) -> Invoice:
    invoice = await load_invoice(session, invoice_id)
    if invoice is None or invoice.merchant_id != merchant.id:
        raise _not_found()
    return invoice


def _not_found() -> ApiError:
    return ApiError(404, "not_found", "no such invoice")
