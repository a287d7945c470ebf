"""PhonePe samples: PG v1 callbacks signed with ``X-VERIFY``, v2 webhooks with the credential.

v1 events are named by their ``code`` (``PAYMENT_SUCCESS``), v2 ones by their ``event``
(``checkout.order.completed``). A v2 webhook carries only the shared credential, so the
ledger confirms its success through PhonePe's status API before the session is paid.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from typing import Any

from common.settings import Settings
from ingress.providers.phonepe import (
    CredentialContent,
    PhonepeProvider,
    SaltedContent,
    credential_secret,
    salt_secret,
)

from paywire.samples.base import SampleBuilder, SampleSession, SignedRequest

__all__ = ["PHONEPE_SAMPLES", "phonepe_authorization", "phonepe_x_verify"]

_V1 = {
    "PAYMENT_SUCCESS": ("COMPLETED", "SUCCESS", "Your payment is successful."),
    "PAYMENT_ERROR": ("FAILED", "PAYMENT_ERROR", "Payment Failed"),
    "PAYMENT_PENDING": ("PENDING", "PAYMENT_PENDING", "Your payment is in progress."),
}
_V2 = {
    "checkout.order.completed": "COMPLETED",
    "checkout.order.failed": "FAILED",
    "pg.refund.completed": "COMPLETED",
    "pg.refund.failed": "FAILED",
}


def phonepe_x_verify(index: int, salt_key: str, response: str) -> str:
    """The ``X-VERIFY`` header PhonePe sends with a v1 callback's base64 ``response``."""
    secret = salt_secret(index, salt_key)
    provider = PhonepeProvider([secret])
    content = SaltedContent(message=response.encode(), signatures=(), salt_index=index)
    return f"{provider.sign(provider.signing_key(secret), content)}###{index}"


def phonepe_authorization(username: str, password: str) -> str:
    """The ``Authorization`` header PhonePe sends with every v2 webhook."""
    secret = credential_secret(username, password)
    provider = PhonepeProvider([secret])
    return provider.sign(provider.signing_key(secret), CredentialContent(b"", ()))


def _inr(session: SampleSession) -> int:
    if session.currency.upper() != "INR":
        raise ValueError(f"PhonePe charges INR; the session is in {session.currency}")
    return session.amount


def _v1(code: str) -> SampleBuilder:
    state, response_code, message = _V1[code]

    def build(settings: Settings, session: SampleSession) -> SignedRequest:
        phonepe = settings.phonepe
        if not phonepe.salt_keys:
            raise ValueError("PAYWIRE_PHONEPE__SALT_KEYS is not configured")
        index, key = next(iter(phonepe.salt_keys.items()))
        decoded = {
            "success": code == "PAYMENT_SUCCESS",
            "code": code,
            "message": message,
            "data": {
                "merchantId": phonepe.merchant_id or "PAYWIRESAMPLE",
                "merchantTransactionId": session.id,
                "transactionId": session.provider_payment_id or f"T{secrets.token_hex(10)}",
                "amount": _inr(session),
                "state": state,
                "responseCode": response_code,
                "paymentInstrument": {"type": "UPI", "utr": str(secrets.randbelow(10**12))},
            },
        }
        response = base64.b64encode(json.dumps(decoded).encode()).decode()
        headers = {
            "Content-Type": "application/json",
            "X-VERIFY": phonepe_x_verify(index, key.get_secret_value(), response),
        }
        return SignedRequest(
            "/webhooks/phonepe", json.dumps({"response": response}).encode(), headers
        )

    return build


def _v2(event: str) -> SampleBuilder:
    state = _V2[event]

    def build(settings: Settings, session: SampleSession) -> SignedRequest:
        phonepe = settings.phonepe
        if not (phonepe.webhook_username and phonepe.webhook_password):
            raise ValueError("PAYWIRE_PHONEPE__WEBHOOK_USERNAME and __PASSWORD are not configured")
        detail = {
            "paymentMode": "UPI_INTENT",
            "transactionId": f"OM{secrets.token_hex(10)}",
            "timestamp": int(time.time() * 1000),
            "amount": _inr(session),
            "state": state,
        }
        payload: dict[str, Any] = {
            "merchantId": phonepe.merchant_id or "PAYWIRESAMPLE",
            "state": state,
            "amount": _inr(session),
            "paymentDetails": [detail],
        }
        if event.startswith("pg.refund."):
            payload |= {
                "originalMerchantOrderId": session.id,
                "merchantRefundId": f"R{secrets.token_hex(10)}",
                "refundId": f"OMR{secrets.token_hex(10)}",
            }
        else:
            payload |= {
                "merchantOrderId": session.id,
                "orderId": session.provider_payment_id or f"OMO{secrets.token_hex(10)}",
                "expireAt": int(time.time() * 1000) + 1_200_000,
            }
        password = phonepe.webhook_password.get_secret_value()
        headers = {
            "Content-Type": "application/json",
            "Authorization": phonepe_authorization(phonepe.webhook_username, password),
        }
        body = json.dumps({"event": event, "payload": payload}).encode()
        return SignedRequest("/webhooks/phonepe", body, headers)

    return build


PHONEPE_SAMPLES: dict[str, SampleBuilder] = {
    **{code: _v1(code) for code in _V1},
    **{event: _v2(event) for event in _V2},
}
