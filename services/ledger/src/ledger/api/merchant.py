"""``GET /v1/merchant``: who a merchant key belongs to, for the services that accept it."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from ledger.api.deps import Merchant

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["merchant"])


class MerchantOut(BaseModel):
    """The authenticated merchant."""

    id: str
    name: str


@router.get("/merchant", response_model=MerchantOut)
async def get_merchant(merchant: Merchant) -> MerchantOut:
    """The key's merchant; 401 for an unknown key (fulfillment and notifier ask this)."""
    return MerchantOut(id=merchant.id, name=merchant.name)
