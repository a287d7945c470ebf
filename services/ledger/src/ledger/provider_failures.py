"""How a provider's failure is answered to the merchant: 502, never 500."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from common.web import ApiError

from ledger.gateways import GatewayError, GatewayUnavailable

__all__ = ["provider_failure", "reported_as_502"]


def provider_failure(provider: str, exc: GatewayError) -> ApiError:
    """502 ``provider_unavailable`` when the provider could not answer (retrying later may
    work), else 502 with the provider's own code for its refusal."""
    if isinstance(exc, GatewayUnavailable):
        return ApiError(
            502,
            "provider_unavailable",
            f"{provider} is unavailable ({exc.message}); retry later",
            {"provider": provider, "provider_code": exc.code},
        )
    return ApiError(502, exc.code, f"{provider} refused: {exc.message}", {"provider": provider})


@contextmanager
def reported_as_502(provider: str) -> Iterator[None]:
    """Re-raise a ``GatewayError`` from ``provider`` as its ``provider_failure``."""
    try:
        yield
    except GatewayError as exc:
        raise provider_failure(provider, exc) from exc
