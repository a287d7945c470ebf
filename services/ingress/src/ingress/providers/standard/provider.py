"""Standard Webhooks (standardwebhooks.com), as Svix and other senders sign them.

``webhook-signature`` holds space-separated ``v1,<base64>`` entries, each the HMAC-SHA256
of ``"<webhook-id>.<webhook-timestamp>.<raw body>"`` keyed with the base64-decoded secret
(the ``whsec_`` prefix dropped); any entry may match, other versions are skipped. The
timestamp must lie within ``tolerance_seconds`` of now, in either direction. Svix's
``svix-id``, ``svix-timestamp`` and ``svix-signature`` are accepted in their place. The
event id is ``webhook-id``, which the sender keeps across retries. The payload paywire
reads is documented in ``ingress.providers.standard.schemas``.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any, Self, assert_never

from common.events import ProviderEvent, ProviderEventKind, RawBody, VerifiedBy
from common.money import Money
from common.settings import Settings

from ingress.providers.base import Provider, SignatureEncoding, SignedContent
from ingress.providers.body_id import body_event_id
from ingress.providers.errors import SignatureError, SignatureFailure
from ingress.providers.request import WebhookRequest
from ingress.providers.standard.schemas import (
    PaymentData,
    RefundData,
    StandardEvent,
    StandardEventType,
)

__all__ = ["StandardProvider"]

_TIMESTAMP = re.compile(r"[0-9]{1,12}")
Kind = ProviderEventKind


class StandardProvider(Provider):
    """Standard Webhooks senders: payments succeeded or failed, and refunds."""

    name = "standard"
    encoding = SignatureEncoding.BASE64
    event_id_headers = ("webhook-id", "svix-id")

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        """Secrets from ``PAYWIRE_STANDARD__SECRETS``, window from ``__TOLERANCE_SECONDS``."""
        standard = settings.standard
        return cls(
            [secret.get_secret_value() for secret in standard.secrets],
            tolerance_seconds=standard.tolerance_seconds,
        )

    def signing_key(self, secret: str) -> bytes:
        """The base64-decoded secret, without its ``whsec_`` prefix."""
        try:
            return base64.b64decode(secret.removeprefix("whsec_"), validate=True)
        except binascii.Error:
            raise ValueError("a Standard Webhooks secret is whsec_ and base64") from None

    def signed_content(self, request: WebhookRequest) -> SignedContent:
        """``"<id>.<timestamp>.<body>"`` with the ``v1`` signatures of ``webhook-signature``."""
        message_id, timestamp, signature = (
            request.header(f"webhook-{part}") or request.header(f"svix-{part}")
            for part in ("id", "timestamp", "signature")
        )
        if not (message_id and timestamp and signature):
            raise SignatureError(SignatureFailure.MISSING)
        if not _TIMESTAMP.fullmatch(timestamp):
            raise SignatureError(SignatureFailure.MALFORMED)
        entries = (entry.partition(",") for entry in signature.split(" "))
        return SignedContent(
            message=f"{message_id}.{timestamp}.".encode() + request.body,
            signatures=tuple(value for version, _, value in entries if version == "v1"),
            timestamp=int(timestamp),
        )

    def normalize(self, payload: Any, raw: RawBody) -> ProviderEvent:
        """Map a Standard Webhooks event onto paywire's event kinds."""
        event = StandardEvent.model_validate(payload)
        try:
            event_type = StandardEventType(event.type)
        except ValueError:
            return self._event(event, Kind.IGNORED, raw)
        match event_type:
            case StandardEventType.PAYMENT_SUCCEEDED:
                return self._payment(event, raw, Kind.PAYMENT_SUCCEEDED)
            case StandardEventType.PAYMENT_FAILED:
                return self._payment(event, raw, Kind.PAYMENT_FAILED)
            case StandardEventType.REFUND_SUCCEEDED:
                return self._refund(event, raw)
            case _:
                assert_never(event_type)

    def _payment(self, event: StandardEvent, raw: RawBody, kind: Kind) -> ProviderEvent:
        data = PaymentData.model_validate(event.data)
        return self._event(
            event,
            kind,
            raw,
            data=data,
            failure_reason=data.reason if kind is Kind.PAYMENT_FAILED else None,
        )

    def _refund(self, event: StandardEvent, raw: RawBody) -> ProviderEvent:
        data = RefundData.model_validate(event.data)
        return self._event(event, Kind.REFUND_SUCCEEDED, raw, data=data, refund_id=data.refund_id)

    def _event(
        self,
        event: StandardEvent,
        kind: Kind,
        raw: RawBody,
        *,
        data: PaymentData | None = None,
        refund_id: str | None = None,
        failure_reason: str | None = None,
    ) -> ProviderEvent:
        amount = Money(data.amount, data.currency) if data else None
        return ProviderEvent(
            provider=self.name,
            provider_event_id=body_event_id(raw),
            provider_event_type=event.type,
            kind=kind,
            verified_by=VerifiedBy.SIGNATURE,
            session_ref=(data.paywire_session_id or None) if data else None,
            provider_payment_ids=(data.payment_id,) if data else (),
            amount=amount.minor if amount else None,
            currency=amount.currency if amount else None,
            refund_id=refund_id,
            failure_reason=failure_reason,
            occurred_at=event.timestamp,
            raw=raw,
        )
