"""Stripe: ``Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>...]`` over ``"<t>.<raw body>"``.

HMAC-SHA256 keyed with the whole ``whsec_...`` string. Several ``v1`` entries may be sent
(Stripe signs with every active secret during a rotation); other schemes (``v0``) are
ignored. The timestamp must lie within ``tolerance_seconds`` of now, in either direction.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, Self, assert_never

from common.events import ProviderEvent, ProviderEventKind, RawBody, VerifiedBy
from common.money import Money
from common.settings import Settings

from ingress.providers.base import Provider, SignedContent
from ingress.providers.errors import SignatureError, SignatureFailure
from ingress.providers.request import WebhookRequest
from ingress.providers.stripe.schemas import (
    Charge,
    CheckoutSession,
    PaymentIntent,
    StripeEvent,
    StripeEventType,
)

__all__ = ["StripeProvider"]

_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SESSION_KEY = "paywire_session_id"
Kind = ProviderEventKind


class StripeProvider(Provider):
    """Stripe webhooks: PaymentIntents, refunded Charges and Checkout Sessions."""

    name = "stripe"
    signature_headers = ("Stripe-Signature",)

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        """Secrets from ``PAYWIRE_STRIPE__WEBHOOK_SECRETS``, window from ``__TOLERANCE_SECONDS``."""
        stripe = settings.stripe
        return cls(
            [secret.get_secret_value() for secret in stripe.webhook_secrets],
            tolerance_seconds=stripe.tolerance_seconds,
        )

    def signed_content(self, request: WebhookRequest) -> SignedContent:
        """``"<t>.<body>"`` with the ``v1`` signatures of the ``Stripe-Signature`` header."""
        timestamps: list[str] = []
        signatures: list[str] = []
        for item in (request.header("Stripe-Signature") or "").split(","):
            key, _, value = item.strip().partition("=")
            if key == "t":
                timestamps.append(value)
            elif key == "v1":
                signatures.append(value)
        if len(timestamps) != 1 or not _TIMESTAMP.fullmatch(timestamps[0]):
            raise SignatureError(SignatureFailure.MALFORMED)
        return SignedContent(
            message=timestamps[0].encode() + b"." + request.body,
            signatures=tuple(signatures),
            timestamp=int(timestamps[0]),
        )

    def normalize(self, payload: Any, raw: RawBody) -> ProviderEvent:
        """Map a Stripe event onto paywire's event kinds."""
        event = StripeEvent.model_validate(payload)
        try:
            event_type = StripeEventType(event.type)
        except ValueError:
            return self._event(event, Kind.IGNORED, raw)
        match event_type:
            case StripeEventType.PAYMENT_INTENT_SUCCEEDED:
                return self._intent(event, raw, Kind.PAYMENT_SUCCEEDED)
            case StripeEventType.PAYMENT_INTENT_PROCESSING:
                return self._intent(event, raw, Kind.PAYMENT_PENDING)
            case StripeEventType.PAYMENT_INTENT_PAYMENT_FAILED:
                return self._intent(event, raw, Kind.PAYMENT_FAILED)
            case StripeEventType.PAYMENT_INTENT_CANCELED:
                return self._intent(event, raw, Kind.PAYMENT_CANCELED)
            case StripeEventType.CHARGE_REFUNDED:
                return self._refund(event, raw)
            case StripeEventType.CHECKOUT_SESSION_COMPLETED:
                return self._checkout(event, raw, Kind.PAYMENT_SUCCEEDED, Kind.PAYMENT_PENDING)
            case StripeEventType.CHECKOUT_SESSION_ASYNC_PAYMENT_SUCCEEDED:
                return self._checkout(event, raw, Kind.PAYMENT_SUCCEEDED)
            case StripeEventType.CHECKOUT_SESSION_ASYNC_PAYMENT_FAILED:
                return self._checkout(event, raw, Kind.PAYMENT_FAILED)
            case StripeEventType.CHECKOUT_SESSION_EXPIRED:
                return self._checkout(event, raw, Kind.PAYMENT_EXPIRED)
            case _:
                assert_never(event_type)

    def _intent(self, event: StripeEvent, raw: RawBody, kind: Kind) -> ProviderEvent:
        intent = PaymentIntent.model_validate(event.data.object)
        error = intent.last_payment_error
        failure = (error.message or error.code) if error and kind is Kind.PAYMENT_FAILED else None
        return self._event(
            event,
            kind,
            raw,
            session_ref=intent.metadata.get(_SESSION_KEY),
            payment_ids=(intent.id,),
            amount=Money(intent.amount_received or intent.amount, intent.currency),
            failure_reason=failure,
        )

    def _refund(self, event: StripeEvent, raw: RawBody) -> ProviderEvent:
        charge = Charge.model_validate(event.data.object)
        return self._event(
            event,
            Kind.REFUND_SUCCEEDED,
            raw,
            session_ref=charge.metadata.get(_SESSION_KEY),
            payment_ids=_ids(charge.id, charge.payment_intent),
            refunded_total=Money(charge.amount_refunded, charge.currency),
        )

    def _checkout(
        self, event: StripeEvent, raw: RawBody, kind: Kind, unpaid: Kind | None = None
    ) -> ProviderEvent:
        """``unpaid``, when given, is the kind for a session whose payment is not yet paid."""
        session = CheckoutSession.model_validate(event.data.object)
        if unpaid is not None and session.payment_status != "paid":
            kind = unpaid
        amount = None
        if session.amount_total is not None and session.currency is not None:
            amount = Money(session.amount_total, session.currency)
        return self._event(
            event,
            kind,
            raw,
            session_ref=(session.metadata or {}).get(_SESSION_KEY) or session.client_reference_id,
            payment_ids=_ids(session.id, session.payment_intent),
            amount=amount,
        )

    def _event(
        self,
        event: StripeEvent,
        kind: Kind,
        raw: RawBody,
        *,
        session_ref: str | None = None,
        payment_ids: tuple[str, ...] = (),
        amount: Money | None = None,
        refunded_total: Money | None = None,
        failure_reason: str | None = None,
    ) -> ProviderEvent:
        priced = amount or refunded_total
        return ProviderEvent(
            provider=self.name,
            provider_event_id=event.id,
            provider_event_type=event.type,
            kind=kind,
            verified_by=VerifiedBy.SIGNATURE,
            session_ref=session_ref,
            provider_payment_ids=payment_ids,
            amount=amount.minor if amount else None,
            currency=priced.currency if priced else None,
            refunded_total=refunded_total.minor if refunded_total else None,
            failure_reason=failure_reason,
            occurred_at=datetime.fromtimestamp(event.created, UTC),
            raw=raw,
        )


def _ids(*candidates: str | None) -> tuple[str, ...]:
    return tuple(candidate for candidate in candidates if candidate)
