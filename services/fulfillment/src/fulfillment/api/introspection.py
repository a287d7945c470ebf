"""``POST /v1/api-keys/introspect``: lets a merchant's product accept the keys paywire issued.

Answers ``{"active": true, "customer", "product", "session_id"}`` for a genuine,
unrevoked key this merchant's customer was issued, and only ``{"active": false}``
otherwise: an unknown key, a revoked one and another merchant's look the same.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from fulfillment.api.auth import merchant_authenticator
from fulfillment.api_keys import find_active_key
from fulfillment.bootstrap import Services
from fulfillment.merchants import Merchant

__all__ = ["IntrospectionRequest", "introspection_router"]


class IntrospectionRequest(BaseModel):
    """The key a merchant's customer presented."""

    key: str = Field(min_length=1, max_length=256)


def introspection_router(services: Services) -> APIRouter:
    """The introspection route."""
    router = APIRouter()
    authenticate = merchant_authenticator(services.merchants)

    @router.post("/v1/api-keys/introspect")
    async def introspect(
        body: IntrospectionRequest, merchant: Merchant = Depends(authenticate)
    ) -> dict[str, Any]:
        async with services.uow() as session:
            active = await find_active_key(session, body.key, merchant.id)
        if active is None:
            return {"active": False}
        return {
            "active": True,
            "customer": active.customer,
            "product": active.product,
            "session_id": active.session_id,
        }

    return router
