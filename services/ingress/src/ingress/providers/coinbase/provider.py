"""Coinbase Commerce: ``X-CC-Webhook-Signature``, the hex HMAC-SHA256 of the raw body.

Keyed with the endpoint's shared secret; several are accepted during a rotation. The scheme
has no timestamp, so replays are caught by deduplication alone: the event id is
``event.id``, kept by the ledger's inbox. A charge's session is
``data.metadata.paywire_session_id``; its amount is ``data.pricing.local``.
"""

from __future__ import annotations

from typing import Any, Self, assert_never

from common.events import ProviderEvent, ProviderEventKind, RawBody, VerifiedBy
from common.money import Money
from common.settings import Settings

from ingress.providers.base import Provider, SignedContent
from ingress.providers.coinbase.schemas import (
    Charge,
    CoinbaseEvent,
    CoinbaseEventType,
    CoinbaseWebhook,
)
from ingress.providers.request import WebhookRequest

__all__ = ["CoinbaseProvider"]

_SESSION_KEY = "paywire_session_id"
Kind = ProviderEventKind


class CoinbaseProvider(Provider):
    """Coinbase Commerce webhooks: charges pending, confirmed, failed and resolved."""

    name = "coinbase"
    signature_headers = ("X-CC-Webhook-Signature",)

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        """Secrets from ``PAYWIRE_COINBASE__WEBHOOK_SECRETS``."""
        return cls([secret.get_secret_value() for secret in settings.coinbase.webhook_secrets])

    def signed_content(self, request: WebhookRequest) -> SignedContent:
        """The raw body, with the one signature of ``X-CC-Webhook-Signature``."""
        return SignedContent(
            message=request.body, signatures=(request.header("X-CC-Webhook-Signature") or "",)
        )

    def normalize(self, payload: Any, raw: RawBody) -> ProviderEvent:
        """Map a Coinbase Commerce event onto paywire's event kinds."""
        event = CoinbaseWebhook.model_validate(payload).event
        try:
            event_type = CoinbaseEventType(event.type)
        except ValueError:
            return self._event(event, Kind.IGNORED, raw)
        match event_type:
            case CoinbaseEventType.CHARGE_CREATED | CoinbaseEventType.CHARGE_DELAYED:
                return self._event(event, Kind.IGNORED, raw)
            case CoinbaseEventType.CHARGE_PENDING:
                return self._charge(event, raw, Kind.PAYMENT_PENDING)
            case CoinbaseEventType.CHARGE_CONFIRMED | CoinbaseEventType.CHARGE_RESOLVED:
                return self._charge(event, raw, Kind.PAYMENT_SUCCEEDED)
            case CoinbaseEventType.CHARGE_FAILED:
                return self._charge(event, raw, Kind.PAYMENT_FAILED)
            case _:
                assert_never(event_type)

    def _charge(self, event: CoinbaseEvent, raw: RawBody, kind: Kind) -> ProviderEvent:
        charge = Charge.model_validate(event.data)
        local = charge.pricing.local if charge.pricing else None
        session = (charge.metadata or {}).get(_SESSION_KEY)
        failure = None
        if kind is Kind.PAYMENT_FAILED and charge.timeline:
            last = charge.timeline[-1]
            failure = last.context or last.status
        return self._event(
            event,
            kind,
            raw,
            session_ref=session if isinstance(session, str) and session else None,
            payment_ids=tuple(filter(None, (charge.id, charge.code))),
            amount=Money.from_major(local.amount, local.currency) if local else None,
            failure_reason=failure,
        )

    def _event(
        self,
        event: CoinbaseEvent,
        kind: Kind,
        raw: RawBody,
        *,
        session_ref: str | None = None,
        payment_ids: tuple[str, ...] = (),
        amount: Money | None = None,
        failure_reason: str | None = None,
    ) -> ProviderEvent:
        return ProviderEvent(
            provider=self.name,
            provider_event_id=event.id,
            provider_event_type=event.type,
            kind=kind,
            verified_by=VerifiedBy.SIGNATURE,
            session_ref=session_ref,
            provider_payment_ids=payment_ids,
            amount=amount.minor if amount else None,
            currency=amount.currency if amount else None,
            failure_reason=failure_reason,
            occurred_at=event.created_at,
            raw=raw,
        )
