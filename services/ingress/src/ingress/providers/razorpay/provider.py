"""Razorpay: ``X-Razorpay-Signature``, the hex HMAC-SHA256 of the raw body.

Keyed with the webhook secret set in the Razorpay dashboard; several secrets are accepted
during a rotation (Razorpay signs retries of older deliveries with the old secret). The
scheme has no timestamp, so replays are caught by deduplication alone: the event id is the
``X-Razorpay-Event-Id`` header, or a hash of the body when the header is absent, and the
ledger's inbox keeps every id it has applied. The header is not signed; a replayed body
under a new id still changes nothing, because the ledger also deduplicates on the payment's
state and the refund id.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Self, assert_never

from common.events import ProviderEvent, ProviderEventKind, RawBody, VerifiedBy
from common.money import Money
from common.settings import Settings

from ingress.providers.base import Provider, SignedContent
from ingress.providers.body_id import body_event_id
from ingress.providers.razorpay.schemas import (
    OrderPaidPayload,
    PaymentPayload,
    RazorpayEvent,
    RazorpayEventType,
    RefundPayload,
)
from ingress.providers.request import WebhookRequest

__all__ = ["RazorpayProvider"]

_SESSION_KEY = "paywire_session_id"
Kind = ProviderEventKind


class RazorpayProvider(Provider):
    """Razorpay webhooks: payments, paid orders and refunds."""

    name = "razorpay"
    signature_headers = ("X-Razorpay-Signature",)
    event_id_headers = ("X-Razorpay-Event-Id",)

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        """Secrets from ``PAYWIRE_RAZORPAY__WEBHOOK_SECRETS``."""
        return cls([secret.get_secret_value() for secret in settings.razorpay.webhook_secrets])

    def signed_content(self, request: WebhookRequest) -> SignedContent:
        """The raw body, with the one signature of ``X-Razorpay-Signature``."""
        return SignedContent(
            message=request.body, signatures=(request.header("X-Razorpay-Signature") or "",)
        )

    def normalize(self, payload: Any, raw: RawBody) -> ProviderEvent:
        """Map a Razorpay event onto paywire's event kinds."""
        event = RazorpayEvent.model_validate(payload)
        try:
            event_type = RazorpayEventType(event.event)
        except ValueError:
            return self._event(event, Kind.IGNORED, raw)
        match event_type:
            case RazorpayEventType.PAYMENT_AUTHORIZED:
                return self._payment(event, raw, Kind.PAYMENT_PENDING)
            case RazorpayEventType.PAYMENT_CAPTURED:
                return self._payment(event, raw, Kind.PAYMENT_SUCCEEDED)
            case RazorpayEventType.PAYMENT_FAILED:
                return self._payment(event, raw, Kind.PAYMENT_FAILED)
            case RazorpayEventType.ORDER_PAID:
                return self._order_paid(event, raw)
            case RazorpayEventType.REFUND_PROCESSED:
                return self._refund(event, raw, Kind.REFUND_SUCCEEDED)
            case RazorpayEventType.REFUND_FAILED:
                return self._refund(event, raw, Kind.REFUND_FAILED)
            case _:
                assert_never(event_type)

    def _payment(self, event: RazorpayEvent, raw: RawBody, kind: Kind) -> ProviderEvent:
        payment = PaymentPayload.model_validate(event.payload).payment.entity
        failure = None
        if kind is Kind.PAYMENT_FAILED:
            failure = payment.error_description or payment.error_code
        return self._event(
            event,
            kind,
            raw,
            session_ref=_session(payment.notes),
            payment_ids=_ids(payment.id, payment.order_id),
            amount=Money(payment.amount, payment.currency),
            failure_reason=failure,
        )

    def _order_paid(self, event: RazorpayEvent, raw: RawBody) -> ProviderEvent:
        paid = OrderPaidPayload.model_validate(event.payload)
        order = paid.order.entity
        payment = paid.payment.entity if paid.payment else None
        return self._event(
            event,
            Kind.PAYMENT_SUCCEEDED,
            raw,
            session_ref=_session(order.notes, payment.notes if payment else {}),
            payment_ids=_ids(payment.id if payment else None, order.id),
            amount=Money(order.amount_paid, order.currency),
        )

    def _refund(self, event: RazorpayEvent, raw: RawBody, kind: Kind) -> ProviderEvent:
        refunded = RefundPayload.model_validate(event.payload)
        refund = refunded.refund.entity
        payment = refunded.payment.entity if refunded.payment else None
        return self._event(
            event,
            kind,
            raw,
            session_ref=_session(payment.notes if payment else {}, refund.notes),
            payment_ids=_ids(refund.payment_id, payment.order_id if payment else None),
            amount=Money(refund.amount, refund.currency),
            refund_id=refund.id,
        )

    def _event(
        self,
        event: RazorpayEvent,
        kind: Kind,
        raw: RawBody,
        *,
        session_ref: str | None = None,
        payment_ids: tuple[str, ...] = (),
        amount: Money | None = None,
        refund_id: str | None = None,
        failure_reason: str | None = None,
    ) -> ProviderEvent:
        return ProviderEvent(
            provider=self.name,
            provider_event_id=body_event_id(raw),
            provider_event_type=event.event,
            kind=kind,
            verified_by=VerifiedBy.SIGNATURE,
            session_ref=session_ref,
            provider_payment_ids=payment_ids,
            amount=amount.minor if amount else None,
            currency=amount.currency if amount else None,
            refund_id=refund_id,
            failure_reason=failure_reason,
            occurred_at=datetime.fromtimestamp(event.created_at, UTC),
            raw=raw,
        )


def _session(*notes: dict[str, Any]) -> str | None:
    """The first ``notes.paywire_session_id`` that is a non-empty string."""
    for values in notes:
        value = values.get(_SESSION_KEY)
        if isinstance(value, str) and value:
            return value
    return None


def _ids(*candidates: str | None) -> tuple[str, ...]:
    return tuple(candidate for candidate in candidates if candidate)
