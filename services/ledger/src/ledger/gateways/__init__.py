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
from ledger.gateways.registry import GATEWAYS, configured_gateways

__all__ = [
    "GATEWAYS",
    "Checkout",
    "CheckoutRequest",
    "Gateway",
    "GatewayError",
    "GatewayUnavailable",
    "RefundRequest",
    "RefundResult",
    "StatusRequest",
    "configured_gateways",
]
