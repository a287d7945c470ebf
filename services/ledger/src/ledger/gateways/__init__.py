"""How the ledger talks to providers' APIs: checkout creation, status checks, refunds."""

from ledger.gateways.base import (
    Checkout,
    CheckoutRequest,
    Gateway,
    GatewayError,
    GatewayUnavailable,
    RefundRequest,
    RefundResult,
    StatusRequest,
)

__all__ = [
    "Checkout",
    "CheckoutRequest",
    "Gateway",
    "GatewayError",
    "GatewayUnavailable",
    "RefundRequest",
    "RefundResult",
    "StatusRequest",
]
