"""An in-memory ``Gateway``: the port fake for tests that need no provider wire format.

The test decides what a status check answers (``answer_paid``), takes the provider down
(``down``), makes it refuse refunds (``refusal``) or complete them later
(``complete_refunds``), decides what a refund-status check reports (``refund_statuses``,
in Stripe's words, by provider refund id) and reads what was asked (``status_calls``,
``refund_calls``, ``refund_status_calls``).
"""

from __future__ import annotations

import asyncio

from common.events import ProviderEvent, ProviderEventKind, VerifiedBy
from ledger.gateways import (
    Checkout,
    CheckoutRequest,
    GatewayError,
    GatewayUnavailable,
    RefundRequest,
    RefundResult,
    RefundStatusRequest,
    StatusRequest,
)
from ledger.gateways.refund_status import refund_status_event

__all__ = ["FakeGateway"]


class FakeGateway:
    """One provider's API, in memory."""

    def __init__(self, provider: str = "stripe", delay: float = 0.0) -> None:
        self.provider = provider
        self.delay = delay
        self.down = False
        self.refusal: GatewayError | None = None
        self.complete_refunds = True
        self.answers: dict[str, ProviderEvent] = {}
        self.status_calls: list[str] = []
        self.refund_calls: list[RefundRequest] = []
        self.refund_statuses: dict[str, str] = {}
        self.refund_status_calls: list[RefundStatusRequest] = []
        self.refund_status_refusals: dict[str, GatewayError] = {}

    def answer_paid(self, session_id: str, amount: int, currency: str) -> None:
        """Status checks of ``session_id`` now report a success of ``amount``."""
        self.answers[session_id] = ProviderEvent(
            provider=self.provider,
            provider_event_id=f"status:pay_{session_id}:succeeded",
            provider_event_type="payment.status.succeeded",
            kind=ProviderEventKind.PAYMENT_SUCCEEDED,
            verified_by=VerifiedBy.API_CONFIRMED,
            session_ref=session_id,
            provider_payment_ids=(f"pay_{session_id}",),
            amount=amount,
            currency=currency,
        )

    def calls_for(self, session_ids: set[str]) -> list[str]:
        """The status checks made for ``session_ids``, in order."""
        return [call for call in self.status_calls if call in session_ids]

    async def create_checkout(self, request: CheckoutRequest) -> Checkout:
        """A checkout whose payment id is ``pay_<session id>``."""
        return Checkout({"type": "fake"}, (f"pay_{request.session_id}",))

    async def fetch_status(self, request: StatusRequest) -> ProviderEvent | None:
        """What ``answer_paid`` set for the session, if anything."""
        self.status_calls.append(request.session_id)
        await self._answer()
        return self.answers.get(request.session_id)

    async def refund(self, request: RefundRequest) -> RefundResult:
        """A refund named after its idempotency key, so a repeat gets the same refund."""
        self.refund_calls.append(request)
        await self._answer()
        if self.refusal is not None:
            raise self.refusal
        return RefundResult(f"re_{request.idempotency_key}", completed=self.complete_refunds)

    async def fetch_refund(self, request: RefundStatusRequest) -> ProviderEvent | None:
        """What ``refund_statuses`` says about the refund (``pending`` when nothing), or
        the refusal ``refund_status_refusals`` holds for it."""
        self.refund_status_calls.append(request)
        await self._answer()
        refusal = self.refund_status_refusals.get(request.provider_refund_id)
        if refusal is not None:
            raise refusal
        status = self.refund_statuses.get(request.provider_refund_id, "pending")
        event = refund_status_event("stripe", request, status)
        return event.model_copy(update={"provider": self.provider}) if event else None

    async def _answer(self) -> None:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.down:
            raise GatewayUnavailable("http_503", "the provider answered 503")
