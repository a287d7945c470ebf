"""How the ledger talks to providers' APIs: checkout creation, status checks, refunds."""

from ledger.gateways.base import (
    Checkout,
    CheckoutRequest,
    Gateway,
    GatewayError,
    GatewayUnavailable,
    RefundRequest,
    RefundResult,
    RefundStatusRequest,
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
    "RefundStatusRequest",
    "StatusRequest",
    "configured_gateways",
]
