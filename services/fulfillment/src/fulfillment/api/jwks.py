"""``GET /.well-known/jwks.json``: the public keys that verify access tokens."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from fulfillment.bootstrap import Services

__all__ = ["jwks_router"]

_MAX_AGE_SECONDS = 60


def jwks_router(services: Services) -> APIRouter:
    """The JWKS route: the current and the previous signing key, with ``kid``, ``alg``, ``use``."""
    router = APIRouter()

    @router.get("/.well-known/jwks.json")
    async def jwks() -> JSONResponse:
        keys = await services.keyring.published()
        return JSONResponse(
            {"keys": keys}, headers={"Cache-Control": f"public, max-age={_MAX_AGE_SECONDS}"}
        )

    return router
