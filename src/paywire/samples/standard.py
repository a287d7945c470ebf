"""Standard Webhooks sample events in the payload paywire documents, signed as a Standard
Webhooks sender signs them (``webhook-id``, ``webhook-timestamp``, ``webhook-signature``)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

from common.ids import new_id
from common.money import Money
from common.settings import Settings
from ingress.providers.base import SignedContent
from ingress.providers.standard import StandardProvider

from paywire.samples.base import SampleBuilder, SampleSession, SignedRequest

__all__ = ["STANDARD_SAMPLES", "standard_signature"]


def standard_signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header value: ``v1,<base64>``."""
    provider = StandardProvider([secret])
    content = SignedContent(f"{message_id}.{timestamp}.".encode() + body, (), timestamp)
    return "v1," + provider.sign(provider.signing_key(secret), content)


def _data(event_type: str, session: SampleSession) -> dict[str, Any]:
    price = Money(session.amount, session.currency)
    data: dict[str, Any] = {
        "paywire_session_id": session.id,
        "payment_id": session.provider_payment_id or new_id("pay"),
        "amount": price.minor,
        "currency": price.currency,
    }
    if event_type == "payment.failed":
        data["reason"] = "card declined"
    if event_type == "refund.succeeded":
        data["refund_id"] = new_id("re")
    return data


def _builder(event_type: str) -> SampleBuilder:
    def build(settings: Settings, session: SampleSession) -> SignedRequest:
        if not settings.standard.secrets:
            raise ValueError("PAYWIRE_STANDARD__SECRETS is not configured")
        body = json.dumps(
            {
                "type": event_type,
                "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "data": _data(event_type, session),
            },
            indent=2,
        ).encode()
        message_id, timestamp = new_id("msg"), int(time.time())
        secret = settings.standard.secrets[0].get_secret_value()
        headers = {
            "Content-Type": "application/json",
            "webhook-id": message_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": standard_signature(secret, message_id, timestamp, body),
        }
        return SignedRequest("/webhooks/standard", body, headers)

    return build


STANDARD_SAMPLES: dict[str, SampleBuilder] = {
    name: _builder(name) for name in ("payment.succeeded", "payment.failed", "refund.succeeded")
}
