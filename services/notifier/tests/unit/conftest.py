"""Event builders for the notifier's unit tests (no I/O)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from common.events import FulfillmentIssued, PaymentEvent, PaymentStatus

OCCURRED_AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture
def payment():
    def build(status: PaymentStatus, **changes: object) -> PaymentEvent:
        fields: dict[str, object] = {
            "session_id": "ses_01JABCDEFGHJKMNPQRSTVWXYZ0",
            "merchant_id": "mer_1",
            "merchant_name": "Acme <Tools>",
            "status": status,
            "previous_status": PaymentStatus.PENDING,
            "amount": 49900,
            "currency": "INR",
            "provider": "stripe",
            "customer": {"email": "asha@example.com", "name": "Asha"},
            "product": "Pro plan",
            "metadata": {"internal": "secret-ish"},
            "occurred_at": OCCURRED_AT,
        }
        return PaymentEvent.model_validate(fields | changes)

    return build


@pytest.fixture
def issued():
    def build(**changes: object) -> FulfillmentIssued:
        fields: dict[str, object] = {
            "session_id": "ses_01JABCDEFGHJKMNPQRSTVWXYZ0",
            "merchant_id": "mer_1",
            "merchant_name": "Acme <Tools>",
            "customer": {"email": "asha@example.com", "name": "Asha"},
            "product": "Pro plan",
            "amount": 49900,
            "currency": "INR",
            "invoice_id": "inv_1",
            "invoice_number": "ACME-000042",
            "api_key_id": "key_1",
            "access_url": "https://pay.test/v1/access/eyJ.a.b",
            "token_expires_at": datetime(2026, 1, 9, tzinfo=UTC),
            "occurred_at": OCCURRED_AT,
        }
        return FulfillmentIssued.model_validate(fields | changes)

    return build
