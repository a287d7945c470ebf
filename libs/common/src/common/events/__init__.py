"""Event envelope and the versioned event models that travel between services."""

from common.events.envelope import CloudEvent, EnvelopeError
from common.events.payment import PaymentEvent, PaymentStatus
from common.events.provider import ProviderEvent, ProviderEventKind, RawBody, VerifiedBy

__all__ = [
    "CloudEvent",
    "EnvelopeError",
    "PaymentEvent",
    "PaymentStatus",
    "ProviderEvent",
    "ProviderEventKind",
    "RawBody",
    "VerifiedBy",
]
