"""Coinbase Commerce sample events, signed as Coinbase signs them (``X-CC-Webhook-Signature``)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from common.money import Money
from common.settings import Settings
from ingress.providers.base import SignedContent
from ingress.providers.coinbase import CoinbaseProvider

from paywire.samples.base import SampleBuilder, SampleSession, SignedRequest

__all__ = ["COINBASE_SAMPLES", "coinbase_signature"]

_TIMELINES = {
    "charge:pending": ["NEW", "SIGNED", "PENDING"],
    "charge:confirmed": ["NEW", "SIGNED", "PENDING", "COMPLETED"],
    "charge:failed": ["NEW", "EXPIRED"],
    "charge:resolved": ["NEW", "PENDING", "UNRESOLVED", "RESOLVED"],
}


def coinbase_signature(secret: str, body: bytes) -> str:
    """The ``X-CC-Webhook-Signature`` header value for ``body``."""
    provider = CoinbaseProvider([secret])
    return provider.sign(provider.signing_key(secret), SignedContent(body, ()))


def _charge(session: SampleSession, statuses: list[str], now: str) -> dict[str, Any]:
    price = Money(session.amount, session.currency)
    charge_id = session.provider_payment_id or str(uuid.uuid4())
    return {
        "id": charge_id,
        "code": charge_id.replace("-", "")[:8].upper(),
        "name": "paywire sample",
        "hosted_url": f"https://commerce.coinbase.com/pay/{charge_id}",
        "pricing_type": "fixed_price",
        "pricing": {"local": {"amount": str(price.to_major()), "currency": price.currency}},
        "metadata": {"paywire_session_id": session.id},
        "timeline": [{"status": status, "time": now} for status in statuses],
        "created_at": now,
    }


def _builder(event_type: str) -> SampleBuilder:
    def build(settings: Settings, session: SampleSession) -> SignedRequest:
        if not settings.coinbase.webhook_secrets:
            raise ValueError("PAYWIRE_COINBASE__WEBHOOK_SECRETS is not configured")
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        body = json.dumps(
            {
                "id": str(uuid.uuid4()),
                "scheduled_for": now,
                "attempt_number": 1,
                "event": {
                    "id": str(uuid.uuid4()),
                    "resource": "event",
                    "type": event_type,
                    "api_version": "2018-03-22",
                    "created_at": now,
                    "data": _charge(session, _TIMELINES[event_type], now),
                },
            },
            indent=2,
        ).encode()
        secret = settings.coinbase.webhook_secrets[0].get_secret_value()
        headers = {
            "Content-Type": "application/json",
            "X-CC-Webhook-Signature": coinbase_signature(secret, body),
        }
        return SignedRequest("/webhooks/coinbase", body, headers)

    return build


COINBASE_SAMPLES: dict[str, SampleBuilder] = {name: _builder(name) for name in _TIMELINES}
