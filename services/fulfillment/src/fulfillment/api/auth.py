"""Merchant authentication for the HTTP API: a Bearer key, vouched for by the ledger."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from common.logging import get_logger
from common.web import ApiError
from fastapi import Request

from fulfillment.merchants import LedgerMerchants, LedgerUnavailable, Merchant

__all__ = ["bearer_credentials", "merchant_authenticator"]

log = get_logger(__name__)


def bearer_credentials(request: Request) -> str | None:
    """The credentials of an ``Authorization: Bearer ...`` header, if there is one."""
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        return None
    return credentials.strip()


def merchant_authenticator(
    merchants: LedgerMerchants,
) -> Callable[[Request], Awaitable[Merchant]]:
    """A FastAPI dependency: the request's merchant, or 401 (503 when the ledger is down)."""

    async def authenticate(request: Request) -> Merchant:
        key = bearer_credentials(request)
        if key is None:
            raise ApiError(401, "unauthorized", "send the merchant API key as a Bearer token")
        try:
            merchant = await merchants.authenticate(key)
        except LedgerUnavailable as exc:
            log.warning("merchant_auth_unavailable", error=str(exc)[:200])
            raise ApiError(503, "unavailable", "merchant authentication is unavailable") from exc
        if merchant is None:
            raise ApiError(401, "unauthorized", "the merchant API key is not valid")
        return merchant

    return authenticate
