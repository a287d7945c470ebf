"""Event envelope and the versioned event models that travel between services."""

from common.events.envelope import CloudEvent, EnvelopeError
from common.events.fulfillment import FulfillmentIssued, FulfillmentRevoked
from common.events.payment import PaymentEvent, PaymentStatus
from common.events.provider import ProviderEvent, ProviderEventKind, RawBody, VerifiedBy

__all__ = [
    "CloudEvent",
    "EnvelopeError",
    "FulfillmentIssued",
    "FulfillmentRevoked",
    "PaymentEvent",
    "PaymentStatus",
    "ProviderEvent",
    "ProviderEventKind",
    "RawBody",
    "VerifiedBy",
]
