"""Turning a provider client's errors into the ``Gateway`` port's errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ingress.providers.http import ProviderApiError, ProviderApiUnavailable

from ledger.gateways.base import GatewayError, GatewayUnavailable

__all__ = ["translated"]


@contextmanager
def translated() -> Iterator[None]:
    """Re-raise ``ProviderApiUnavailable`` as ``GatewayUnavailable`` and any other
    ``ProviderApiError`` as ``GatewayError``, keeping the provider's code and message."""
    try:
        yield
    except ProviderApiUnavailable as exc:
        raise GatewayUnavailable(exc.code, exc.message) from exc
    except ProviderApiError as exc:
        raise GatewayError(exc.code, exc.message) from exc
