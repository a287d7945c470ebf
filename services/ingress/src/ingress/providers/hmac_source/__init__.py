"""Generic HMAC sources, declared by configuration (``PAYWIRE_HMAC_SOURCES__<NAME>__...``)."""

from ingress.providers.hmac_source.provider import HmacSourceProvider, hmac_source

__all__ = ["HmacSourceProvider", "hmac_source"]
