"""Stripe sample events, signed as Stripe signs them (``t=...,v1=...``)."""

from __future__ import annotations

import json
import time
from typing import Any

from common.ids import new_id
from common.settings import Settings
from ingress.providers.base import SignedContent
from ingress.providers.stripe import StripeProvider

from paywire.samples.base import SampleBuilder, SampleSession, SignedRequest

__all__ = ["STRIPE_SAMPLES", "stripe_signature"]


def stripe_signature(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header value for ``body`` at ``timestamp`` (now by default)."""
    ts = int(time.time()) if timestamp is None else timestamp
    provider = StripeProvider([secret])
    content = SignedContent(message=f"{ts}.".encode() + body, signatures=(), timestamp=ts)
    return f"t={ts},v1={provider.sign(provider.signing_key(secret), content)}"


def _intent(status: str, session: SampleSession) -> dict[str, Any]:
    return {
        "id": session.provider_payment_id or new_id("pi"),
        "object": "payment_intent",
        "amount": session.amount,
        "amount_received": session.amount if status == "succeeded" else 0,
        "currency": session.currency.lower(),
        "metadata": {"paywire_session_id": session.id},
        "status": status,
    }


def _charge_refunded(session: SampleSession) -> dict[str, Any]:
    return {
        "id": new_id("ch"),
        "object": "charge",
        "amount": session.amount,
        "amount_refunded": session.amount,
        "currency": session.currency.lower(),
        "payment_intent": session.provider_payment_id,
        "metadata": {"paywire_session_id": session.id},
        "refunded": True,
        "status": "succeeded",
    }


def _builder(event_type: str, obj: Any) -> SampleBuilder:
    def build(settings: Settings, session: SampleSession) -> SignedRequest:
        if not settings.stripe.webhook_secrets:
            raise ValueError("PAYWIRE_STRIPE__WEBHOOK_SECRETS is not configured")
        event = {
            "id": new_id("evt"),
            "object": "event",
            "api_version": "2024-06-20",
            "created": int(time.time()),
            "type": event_type,
            "livemode": False,
            "data": {"object": obj(session)},
        }
        body = json.dumps(event, indent=2).encode()
        secret = settings.stripe.webhook_secrets[0].get_secret_value()
        headers = {
            "Content-Type": "application/json",
            "Stripe-Signature": stripe_signature(secret, body),
        }
        return SignedRequest("/webhooks/stripe", body, headers)

    return build


STRIPE_SAMPLES: dict[str, SampleBuilder] = {
    "payment_intent.succeeded": _builder(
        "payment_intent.succeeded", lambda s: _intent("succeeded", s)
    ),
    "payment_intent.processing": _builder(
        "payment_intent.processing", lambda s: _intent("processing", s)
    ),
    "payment_intent.payment_failed": _builder(
        "payment_intent.payment_failed", lambda s: _intent("requires_payment_method", s)
    ),
    "payment_intent.canceled": _builder(
        "payment_intent.canceled", lambda s: _intent("canceled", s)
    ),
    "charge.refunded": _builder("charge.refunded", _charge_refunded),
}
