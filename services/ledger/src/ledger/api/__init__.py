"""The ledger's HTTP API: the merchant routes (sessions, refunds, verification, saved
payment methods) and the public session view."""

from ledger.api.analytics import router as analytics_router
from ledger.api.merchant import router as merchant_router
from ledger.api.payment_methods import router as payment_methods_router
from ledger.api.public import router as public_router
from ledger.api.refunds import router as refunds_router
from ledger.api.sessions import router as sessions_router
from ledger.api.verification import router as verification_router

__all__ = [
    "analytics_router",
    "merchant_router",
    "payment_methods_router",
    "public_router",
    "refunds_router",
    "sessions_router",
    "verification_router",
]
