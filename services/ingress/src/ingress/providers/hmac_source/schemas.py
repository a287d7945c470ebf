"""Reading a generic HMAC source's JSON body through the dotted paths it is configured with,
and its status map's outcomes in paywire's vocabulary.

A path such as ``data.amount`` walks object keys only. Values are read strictly: a text
field holds a string (an integer is taken as its digits), an amount in minor units is an
integer, and an amount in major units is a decimal string or a JSON number, read exactly
(the body is parsed with ``Decimal`` for every non-integer number).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, assert_never

from common.events import ProviderEventKind
from common.money import Money
from common.provider_settings import HmacOutcome

__all__ = ["amount_at", "kind_of", "required_text", "text_at"]

_MISSING = object()


def kind_of(outcome: HmacOutcome) -> ProviderEventKind:
    """The event kind a configured status outcome stands for."""
    match outcome:
        case HmacOutcome.PENDING:
            return ProviderEventKind.PAYMENT_PENDING
        case HmacOutcome.SUCCEEDED:
            return ProviderEventKind.PAYMENT_SUCCEEDED
        case HmacOutcome.FAILED:
            return ProviderEventKind.PAYMENT_FAILED
        case HmacOutcome.REFUNDED:
            return ProviderEventKind.REFUND_SUCCEEDED
        case _:
            assert_never(outcome)


def text_at(payload: Any, path: str | None) -> str | None:
    """The text at ``path``, or None when it is absent, null or empty, or no path is set."""
    if path is None:
        return None
    value = _at(payload, path)
    if value is _MISSING or value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise ValueError(f"{path} is not text")


def required_text(payload: Any, path: str) -> str:
    """The text at ``path``, which must be present."""
    value = text_at(payload, path)
    if value is None:
        raise ValueError(f"{path} is missing")
    return value


def amount_at(payload: Any, path: str, currency_path: str, *, major_units: bool) -> Money:
    """The exact amount at ``path`` in the currency at ``currency_path``."""
    value = _at(payload, path)
    currency = required_text(payload, currency_path)
    if not major_units:
        return Money(value, currency)
    if isinstance(value, str | int | Decimal) and not isinstance(value, bool):
        return Money.from_major(value, currency)
    raise ValueError(f"{path} is not an amount")


def _at(payload: Any, path: str) -> Any:
    node = payload
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            return _MISSING
        node = node[key]
    return node
