"""Coinbase Commerce: its signature scheme against the official vector, and its charge
events normalized.

Fixture files are named after the event type with ``:`` written as ``.``
(``charge.confirmed.json`` holds a ``charge:confirmed``), so that they check out anywhere.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime

import pytest
from common.events import ProviderEvent, RawBody, VerifiedBy
from common.events import ProviderEventKind as Kind
from ingress.providers import PayloadError, SignatureError, SignatureFailure, WebhookRequest
from ingress.providers.coinbase import CoinbaseProvider

from .contract import FIXTURES, ProviderContract
from .vectors import vector, vector_body

SES1 = "ses_01J6B3T6ZR9S4P1Z5N7X0W2D3E"
SES2 = "ses_01J6B4V7ZS0T5Q2A6P8Y1X3E4F"
CHARGE1 = ("2aee9dd1-67b8-43ef-8dfe-977959850f27", "XA6G6ZFR")
CHARGE2 = ("7c1f3b2a-9d4e-4f5a-8b6c-1d2e3f4a5b6c", "QW3RT9YP")


def coinbase_signature(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class TestCoinbaseContract(ProviderContract):
    provider_class = CoinbaseProvider
    secrets = ("0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e", "5f6a7b8c-9d0e-4f1a-8b2c-3d4e5f6a7b8c")
    fixture_kinds = {
        "charge.created": Kind.IGNORED,
        "charge.pending": Kind.PAYMENT_PENDING,
        "charge.confirmed": Kind.PAYMENT_SUCCEEDED,
        "charge.failed": Kind.PAYMENT_FAILED,
        "charge.delayed": Kind.IGNORED,
        "charge.resolved": Kind.PAYMENT_SUCCEEDED,
    }

    def sign(self, body: bytes, secret: str, timestamp: int) -> WebhookRequest:
        return WebhookRequest(body, {"x-cc-webhook-signature": coinbase_signature(body, secret)})


def vector_request(header: str | None = None) -> WebhookRequest:
    entry = vector("coinbase_commerce")
    signature = entry["header"] if header is None else header
    return WebhookRequest(vector_body(entry), {"x-cc-webhook-signature": signature})


def test_official_vector_verifies() -> None:
    """The vector from coinbase-commerce-python's own tests verifies."""
    entry = vector("coinbase_commerce")
    assert CoinbaseProvider([entry["secret"]]).verify(vector_request()) == 0


def test_official_vector_body_is_an_ignored_charge_created() -> None:
    """The vector's body, a 2017 charge:created with a numeric delivery id, is ignored."""
    entry = vector("coinbase_commerce")
    event = CoinbaseProvider([entry["secret"]]).read_event(vector_request())
    assert (event.provider_event_id, event.provider_event_type, event.kind) == (
        "24934862-d980-46cb-9402-43c81b0cdba6",
        "charge:created",
        Kind.IGNORED,
    )


GOOD = vector("coinbase_commerce")["header"]


@pytest.mark.parametrize(
    ("header", "failure"),
    [
        ("", SignatureFailure.MISSING),
        ("sha256=" + GOOD, SignatureFailure.MISMATCH),
        (GOOD[:-1], SignatureFailure.MISMATCH),
        ("\udcff", SignatureFailure.MALFORMED),
    ],
)
def test_malformed_header_is_refused(header: str, failure: SignatureFailure) -> None:
    """A missing, prefixed, truncated or undecodable signature is refused."""
    entry = vector("coinbase_commerce")
    with pytest.raises(SignatureError) as refused:
        CoinbaseProvider([entry["secret"]]).verify(vector_request(header))
    assert refused.value.failure is failure


def fixture(name: str) -> bytes:
    return (FIXTURES / "coinbase" / f"{name}.json").read_bytes()


def read(body: bytes) -> ProviderEvent:
    return CoinbaseProvider(["unused"]).read_event(WebhookRequest(body, {}))


def expected(name: str, event_id: str, created: str, kind: Kind, **fields: object) -> ProviderEvent:
    body = fixture(name)
    return ProviderEvent.model_validate(
        {
            "provider": "coinbase",
            "provider_event_id": event_id,
            "provider_event_type": name.replace(".", ":"),
            "kind": kind,
            "verified_by": VerifiedBy.SIGNATURE,
            "occurred_at": datetime.fromisoformat(created),
            "raw": RawBody(content_type="application/json", text=body.decode()),
            **fields,
        }
    )


EXPECTED = [
    expected(
        "charge.created",
        "f6b8d0a2-1c3e-4f5a-9b7d-2e4f6a8c0e1f",
        "2024-07-01T12:00:00+00:00",
        Kind.IGNORED,
    ),
    expected(
        "charge.pending",
        "a7c9e1b3-2d4f-4a6b-8c0e-3f5a7b9d1e2f",
        "2024-07-01T12:03:42+00:00",
        Kind.PAYMENT_PENDING,
        session_ref=SES1,
        provider_payment_ids=CHARGE1,
        amount=4900,
        currency="USD",
    ),
    expected(
        "charge.confirmed",
        "b8d0f2c4-3e5a-4b7c-9d1f-4a6b8c0e2f3a",
        "2024-07-01T12:04:10+00:00",
        Kind.PAYMENT_SUCCEEDED,
        session_ref=SES1,
        provider_payment_ids=CHARGE1,
        amount=4900,
        currency="USD",
    ),
    expected(
        "charge.failed",
        "c9e1a3d5-4f6b-4c8d-8e2a-5b7c9d1f3a4b",
        "2024-07-01T13:00:05+00:00",
        Kind.PAYMENT_FAILED,
        session_ref=SES2,
        provider_payment_ids=CHARGE2,
        amount=12050,
        currency="EUR",
        failure_reason="EXPIRED",
    ),
    expected(
        "charge.delayed",
        "e1a3c5f7-6b8d-4eaf-8a4c-7d9e1f3b5c6d",
        "2024-07-01T13:05:00+00:00",
        Kind.IGNORED,
    ),
    expected(
        "charge.resolved",
        "d0f2b4e6-5a7c-4d9e-9f3b-6c8d0e2a4b5c",
        "2024-07-02T09:15:00+00:00",
        Kind.PAYMENT_SUCCEEDED,
        session_ref=SES2,
        provider_payment_ids=CHARGE2,
        amount=12050,
        currency="EUR",
    ),
]


@pytest.mark.parametrize("want", EXPECTED, ids=lambda event: event.provider_event_type)
def test_fixture_normalizes(want: ProviderEvent) -> None:
    """A recorded event becomes the expected ProviderEvent, carrying its raw body."""
    assert read(fixture(want.provider_event_type.replace(":", "."))) == want


def with_charge(**changes: object) -> bytes:
    payload = json.loads(fixture("charge.confirmed"))
    payload["event"]["data"].update(changes)
    return json.dumps(payload).encode()


def test_charge_without_a_price_has_no_amount() -> None:
    """A no_price charge is confirmed without an amount (the ledger sends it to review)."""
    event = read(with_charge(pricing={}, pricing_type="no_price"))
    assert (event.kind, event.amount, event.currency) == (Kind.PAYMENT_SUCCEEDED, None, None)


def test_metadata_that_is_not_a_session_id_matches_by_charge() -> None:
    """Metadata without a string session id leaves only the charge ids to match by."""
    event = read(with_charge(metadata={"paywire_session_id": 42, "cart": {"items": 3}}))
    assert (event.session_ref, event.provider_payment_ids) == (None, CHARGE1)


UNUSABLE = {
    "not json": b"not json",
    "no event": b'{"id": 1, "scheduled_for": "2024-07-01T12:00:00Z"}',
    "naive time": fixture("charge.confirmed").replace(b"12:04:10Z", b"12:04:10", 1),
    "numeric amount": with_charge(pricing={"local": {"amount": 49.0, "currency": "USD"}}),
    "too many decimals": with_charge(pricing={"local": {"amount": "49.001", "currency": "USD"}}),
    "negative amount": with_charge(pricing={"local": {"amount": "-49.00", "currency": "USD"}}),
    "not a number": with_charge(pricing={"local": {"amount": "NaN", "currency": "USD"}}),
    "unknown currency": with_charge(pricing={"local": {"amount": "49.00", "currency": "?"}}),
    "timeline not a list": with_charge(timeline="COMPLETED"),
}


@pytest.mark.parametrize("case", UNUSABLE)
def test_unusable_payload_raises_payload_error(case: str) -> None:
    """A verified body that is not a Coinbase event of the documented shape is a PayloadError."""
    with pytest.raises(PayloadError):
        read(UNUSABLE[case])
