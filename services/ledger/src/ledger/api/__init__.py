"""The ledger's HTTP API: the merchant routes and the public session view."""

from ledger.api.merchant import router as merchant_router
from ledger.api.public import router as public_router
from ledger.api.sessions import router as sessions_router

__all__ = ["merchant_router", "public_router", "sessions_router"]
