"""Pi Network: no webhooks; the server flow of approve, complete and incomplete payments."""

from ingress.providers.pi.client import PiPlatform, PiPlatformClient, PiReply
from ingress.providers.pi.errors import (
    PiConflict,
    PiFlowError,
    PiNotFound,
    PiUnavailable,
    PiUpstreamError,
)
from ingress.providers.pi.flow import PiFlow, PiOutcome

__all__ = [
    "PiConflict",
    "PiFlow",
    "PiFlowError",
    "PiNotFound",
    "PiOutcome",
    "PiPlatform",
    "PiPlatformClient",
    "PiReply",
    "PiUnavailable",
    "PiUpstreamError",
]
