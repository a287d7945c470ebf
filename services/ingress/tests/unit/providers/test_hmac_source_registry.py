"""Generic HMAC sources in the registry: served once they have a secret, and a new one
added by configuration alone."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable

import httpx
import pytest
from common.events import ProviderEventKind
from common.ids import event_id_for
from common.settings import Settings
from ingress.app import create_app
from ingress.providers import configured_providers

SESSION = "ses_01J6E9A2ZY5Z0W7F1U3D6C8K9M"
ACME_ENV = {
    "PAYWIRE_HMAC_SOURCES__ACME__SECRETS": "acme_old_secret,acme_new_secret",
    "PAYWIRE_HMAC_SOURCES__ACME__HEADER": "X-Acme-Signature",
    "PAYWIRE_HMAC_SOURCES__ACME__ALGORITHM": "sha512",
    "PAYWIRE_HMAC_SOURCES__ACME__ENCODING": "base64",
    "PAYWIRE_HMAC_SOURCES__ACME__SIGNED_CONTENT": "timestamp_body",
    "PAYWIRE_HMAC_SOURCES__ACME__TIMESTAMP_HEADER": "X-Acme-Timestamp",
    "PAYWIRE_HMAC_SOURCES__ACME__SEPARATOR": ":",
    "PAYWIRE_HMAC_SOURCES__ACME__EVENT_ID_FIELD": "event.id",
    "PAYWIRE_HMAC_SOURCES__ACME__REFERENCE_FIELD": "order.session",
    "PAYWIRE_HMAC_SOURCES__ACME__PAYMENT_ID_FIELD": "order.id",
    "PAYWIRE_HMAC_SOURCES__ACME__AMOUNT_FIELD": "order.total",
    "PAYWIRE_HMAC_SOURCES__ACME__AMOUNT_IN_MAJOR_UNITS": "true",
    "PAYWIRE_HMAC_SOURCES__ACME__CURRENCY_FIELD": "order.currency",
    "PAYWIRE_HMAC_SOURCES__ACME__STATUS_FIELD": "event.type",
    "PAYWIRE_HMAC_SOURCES__ACME__STATUSES": "order.paid:succeeded,order.declined:failed",
}


def test_preconfigured_sources_are_served_once_they_have_a_secret(
    make_settings: Callable[..., Settings],
) -> None:
    """upi and onecom answer 404 until a secret is configured, then they are served."""
    secrets = {"upi": {"secrets": "upi_secret"}, "onecom": {"secrets": "onecom_secret"}}
    served = configured_providers(make_settings(hmac_sources=secrets))
    assert (sorted(configured_providers(make_settings())), sorted(served)) == (
        ["stripe"],
        ["onecom", "stripe", "upi"],
    )


def test_source_named_after_a_built_in_provider_is_refused(
    make_settings: Callable[..., Settings],
) -> None:
    """A generic source cannot take the name of a built-in provider."""
    settings = make_settings(hmac_sources={"stripe": {"header": "X-Sig", "statuses": "a:failed"}})
    with pytest.raises(ValueError, match="'stripe' has the name of a built-in provider"):
        configured_providers(settings)


async def test_source_configured_only_by_environment_is_served(
    monkeypatch: pytest.MonkeyPatch, publisher
) -> None:
    """A source declared in PAYWIRE_HMAC_SOURCES__ACME__* verifies and publishes at
    /webhooks/acme with no code of its own."""
    for name, value in ACME_ENV.items():
        monkeypatch.setenv(name, value)
    body = json.dumps(
        {
            "event": {"id": "acme_evt_1", "type": "order.paid"},
            "order": {"id": "acme_ord_9", "session": SESSION, "total": "19.99", "currency": "usd"},
        }
    ).encode()
    timestamp = str(int(time.time()))
    mac = hmac.new(b"acme_new_secret", f"{timestamp}:".encode() + body, hashlib.sha512)
    headers = {
        "X-Acme-Signature": base64.b64encode(mac.digest()).decode(),
        "X-Acme-Timestamp": timestamp,
    }
    transport = httpx.ASGITransport(app=create_app(Settings(_env_file=None), publisher))
    async with httpx.AsyncClient(transport=transport, base_url="http://ingress.test") as client:
        response = await client.post("/webhooks/acme", content=body, headers=headers)
    [(routing_key, event)] = publisher.published
    assert (response.status_code, routing_key, event.id) == (
        200,
        "provider.acme.payment_succeeded",
        event_id_for("acme", "acme_evt_1"),
    )
    assert event.data == {
        "provider": "acme",
        "provider_event_id": "acme_evt_1",
        "provider_event_type": "order.paid",
        "kind": ProviderEventKind.PAYMENT_SUCCEEDED.value,
        "verified_by": "signature",
        "session_ref": SESSION,
        "provider_payment_ids": ["acme_ord_9"],
        "amount": 1999,
        "currency": "USD",
        "refund_id": None,
        "refunded_total": None,
        "failure_reason": None,
        "occurred_at": None,
        "raw": {"content_type": "application/json", "text": body.decode()},
    }
