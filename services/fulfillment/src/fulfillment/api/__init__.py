"""fulfillment's HTTP API: access pages, invoice PDFs, key introspection and the JWKS."""

from fulfillment.api.access import access_router
from fulfillment.api.introspection import introspection_router
from fulfillment.api.invoices import invoices_router
from fulfillment.api.jwks import jwks_router

__all__ = ["access_router", "introspection_router", "invoices_router", "jwks_router"]
