"""Refusing a checkout in a currency the provider cannot collect, before any call."""

from __future__ import annotations

from common.web import ApiError

__all__ = ["require_inr", "unsupported_currency"]


def unsupported_currency(provider: str, currency: str, accepted: str) -> ApiError:
    """422 ``unsupported_currency``: the merchant asked ``provider`` for ``currency``."""
    return ApiError(
        422,
        "unsupported_currency",
        f"{provider} cannot collect {currency}; it takes {accepted}",
        {"provider": provider},
    )


def require_inr(provider: str, currency: str) -> None:
    """Raise ``unsupported_currency`` unless ``currency`` is INR (UPI, PayU, PhonePe)."""
    if currency.upper() != "INR":
        raise unsupported_currency(provider, currency, "INR")
