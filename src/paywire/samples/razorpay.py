"""Razorpay sample events, signed as Razorpay signs them (``X-Razorpay-Signature``)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from common.ids import new_id
from common.money import Money
from common.settings import Settings
from ingress.providers.base import SignedContent
from ingress.providers.razorpay import RazorpayProvider

from paywire.samples.base import SampleBuilder, SampleSession, SignedRequest

__all__ = ["RAZORPAY_SAMPLES", "razorpay_signature"]


def razorpay_signature(secret: str, body: bytes) -> str:
    """The ``X-Razorpay-Signature`` header value for ``body``."""
    provider = RazorpayProvider([secret])
    return provider.sign(provider.signing_key(secret), SignedContent(body, ()))


def _payment(session: SampleSession, status: str, order_id: str) -> dict[str, Any]:
    failed = status == "failed"
    return {
        "id": session.provider_payment_id or new_id("pay"),
        "entity": "payment",
        "amount": session.amount,
        "currency": Money(session.amount, session.currency).currency,
        "status": status,
        "order_id": order_id,
        "method": "upi",
        "captured": status == "captured",
        "vpa": "asha@okexample",
        "email": "asha@example.com",
        "contact": "+919999999999",
        "notes": {"paywire_session_id": session.id},
        "error_code": "BAD_REQUEST_ERROR" if failed else None,
        "error_description": "Payment was declined by the bank." if failed else None,
        "created_at": int(time.time()),
    }


def _payment_event(status: str) -> Callable[[SampleSession, str], dict[str, Any]]:
    def payload(session: SampleSession, order_id: str) -> dict[str, Any]:
        return {"payment": {"entity": _payment(session, status, order_id)}}

    return payload


def _order_paid(session: SampleSession, order_id: str) -> dict[str, Any]:
    order = {
        "id": order_id,
        "entity": "order",
        "amount": session.amount,
        "amount_paid": session.amount,
        "amount_due": 0,
        "currency": Money(session.amount, session.currency).currency,
        "status": "paid",
        "notes": {"paywire_session_id": session.id},
    }
    return {
        "payment": {"entity": _payment(session, "captured", order_id)},
        "order": {"entity": order},
    }


def _refund_processed(session: SampleSession, order_id: str) -> dict[str, Any]:
    payment = _payment(session, "refunded", order_id)
    refund = {
        "id": new_id("rfnd"),
        "entity": "refund",
        "amount": session.amount,
        "currency": payment["currency"],
        "payment_id": payment["id"],
        "notes": [],
        "status": "processed",
        "created_at": int(time.time()),
    }
    return {"refund": {"entity": refund}, "payment": {"entity": payment}}


def _builder(event: str, payload: Callable[[SampleSession, str], dict[str, Any]]) -> SampleBuilder:
    def build(settings: Settings, session: SampleSession) -> SignedRequest:
        if not settings.razorpay.webhook_secrets:
            raise ValueError("PAYWIRE_RAZORPAY__WEBHOOK_SECRETS is not configured")
        entities = payload(session, new_id("order"))
        body = json.dumps(
            {
                "entity": "event",
                "account_id": "acc_paywire_sample",
                "event": event,
                "contains": list(entities),
                "payload": entities,
                "created_at": int(time.time()),
            },
            indent=2,
        ).encode()
        secret = settings.razorpay.webhook_secrets[0].get_secret_value()
        headers = {
            "Content-Type": "application/json",
            "X-Razorpay-Signature": razorpay_signature(secret, body),
            "X-Razorpay-Event-Id": new_id("evt"),
        }
        return SignedRequest("/webhooks/razorpay", body, headers)

    return build


RAZORPAY_SAMPLES: dict[str, SampleBuilder] = {
    "payment.authorized": _builder("payment.authorized", _payment_event("authorized")),
    "payment.captured": _builder("payment.captured", _payment_event("captured")),
    "payment.failed": _builder("payment.failed", _payment_event("failed")),
    "order.paid": _builder("order.paid", _order_paid),
    "refund.processed": _builder("refund.processed", _refund_processed),
}
