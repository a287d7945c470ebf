"""The port every provider API adapter implements, and the values that cross it.

An adapter wraps one provider's HTTP client (``ingress.providers.<name>.client``, beside
that provider's webhook package, so a provider's vocabulary lives in one place). What a
status check learns comes back as a ``ProviderEvent`` marked ``api_confirmed`` and goes
through the same inbox and state machine as a webhook, so every effect still happens once.

Errors::

    GatewayError            the provider refused the request (4xx): not worth retrying
     └── GatewayUnavailable  timeout, connection failure or 5xx: retry later with backoff
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from common.events import ProviderEvent

__all__ = [
    "Checkout",
    "CheckoutRequest",
    "Gateway",
    "GatewayError",
    "GatewayUnavailable",
    "RefundRequest",
    "RefundResult",
    "RefundStatusRequest",
    "StatusRequest",
]


class GatewayError(Exception):
    """The provider answered with a refusal; ``code`` and the message are safe to show."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class GatewayUnavailable(GatewayError):
    """The provider could not be reached or failed on its side; the call may be retried."""


@dataclass(frozen=True, slots=True)
class CheckoutRequest:
    """What a provider needs to start collecting a session's payment.

    ``provider_customer_id`` is the provider's own customer that paywire keeps for the
    merchant's ``customer["id"]`` (Stripe: ``cus_...``), when it keeps one.
    """

    session_id: str
    merchant_id: str
    amount: int
    currency: str
    customer: Mapping[str, Any]
    description: str | None = None
    product: str | None = None
    return_url: str | None = None
    provider_customer_id: str | None = None


@dataclass(frozen=True, slots=True)
class Checkout:
    """What the customer needs to pay (returned in the session's ``checkout``) and the
    provider payment ids to record so that webhooks and status checks match the session."""

    details: dict[str, Any]
    provider_payment_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StatusRequest:
    """Which payment to ask about: the session and every provider id recorded for it."""

    session_id: str
    amount: int
    currency: str
    provider_payment_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RefundRequest:
    """Give back ``amount`` of a session's captured payment; ``idempotency_key`` is stable
    per refund so a retried call creates one refund at the provider."""

    session_id: str
    refund_id: str
    amount: int
    currency: str
    provider_payment_ids: tuple[str, ...] = ()
    reason: str | None = None
    idempotency_key: str = ""


@dataclass(frozen=True, slots=True)
class RefundResult:
    """The provider's refund id and whether it already completed (else a webhook or a
    status check completes it later)."""

    provider_refund_id: str
    completed: bool
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RefundStatusRequest:
    """Which requested refund to ask about: paywire's ``refund_id``, the provider's id for
    it, what was asked (``amount``, ``currency``) and the session's provider payment ids."""

    session_id: str
    refund_id: str
    provider_refund_id: str
    amount: int
    currency: str
    provider_payment_ids: tuple[str, ...] = ()


class Gateway(Protocol):
    """One provider's API as the ledger uses it."""

    provider: str

    async def create_checkout(self, request: CheckoutRequest) -> Checkout:
        """Start a payment at the provider."""
        ...

    async def fetch_status(self, request: StatusRequest) -> ProviderEvent | None:
        """The payment's current state as an ``api_confirmed`` event; None if unknown yet."""
        ...

    async def refund(self, request: RefundRequest) -> RefundResult:
        """Ask the provider to refund; raise ``GatewayError`` when it cannot."""
        ...

    async def fetch_refund(self, request: RefundStatusRequest) -> ProviderEvent | None:
        """The refund's outcome as an ``api_confirmed`` ``refund_succeeded`` or
        ``refund_failed`` event; None while it is pending (or the provider cannot say)."""
        ...
