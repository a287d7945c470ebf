"""Payment providers: one package each, verified by ``Provider.verify``, listed in ``PROVIDERS``."""

from ingress.providers.base import Clock, Provider, SignatureEncoding, SignedContent
from ingress.providers.errors import (
    PayloadError,
    ProviderError,
    SignatureError,
    SignatureFailure,
)
from ingress.providers.registry import PROVIDERS, configured_providers
from ingress.providers.request import WebhookRequest

__all__ = [
    "PROVIDERS",
    "Clock",
    "PayloadError",
    "Provider",
    "ProviderError",
    "SignatureEncoding",
    "SignatureError",
    "SignatureFailure",
    "SignedContent",
    "WebhookRequest",
    "configured_providers",
]
