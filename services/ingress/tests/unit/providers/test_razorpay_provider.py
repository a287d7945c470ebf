"""Razorpay: its signature scheme against the official vector, and its events normalized."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime

import pytest
from common.events import ProviderEvent, RawBody, VerifiedBy
from common.events import ProviderEventKind as Kind
from ingress.providers import PayloadError, SignatureError, SignatureFailure, WebhookRequest
from ingress.providers.razorpay import RazorpayProvider

from .contract import FIXTURES, ProviderContract
from .vectors import vector, vector_body

SES1 = "ses_01J6A1R4ZP7Q2M9X3K5V8T0B1C"
SES2 = "ses_01J6A2S5ZQ8R3N0Y4M6W9V1C2D"


def razorpay_signature(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class TestRazorpayContract(ProviderContract):
    provider_class = RazorpayProvider
    secrets = ("rzp_whsec_first_0123456789", "rzp_whsec_second_0123456789")
    fixture_kinds = {
        "payment.authorized": Kind.PAYMENT_PENDING,
        "payment.captured": Kind.PAYMENT_SUCCEEDED,
        "payment.failed": Kind.PAYMENT_FAILED,
        "order.paid": Kind.PAYMENT_SUCCEEDED,
        "refund.processed": Kind.REFUND_SUCCEEDED,
        "refund.failed": Kind.REFUND_FAILED,
        "refund.created": Kind.IGNORED,
    }

    def sign(self, body: bytes, secret: str, timestamp: int) -> WebhookRequest:
        return WebhookRequest(body, {"x-razorpay-signature": razorpay_signature(body, secret)})


def test_official_vector_verifies() -> None:
    """The vector from razorpay-python's own tests verifies."""
    entry = vector("razorpay")
    request = WebhookRequest(vector_body(entry), {"x-razorpay-signature": entry["header"]})
    assert RazorpayProvider([entry["secret"]]).verify(request) == 0


GOOD = vector("razorpay")["header"]


@pytest.mark.parametrize(
    ("header", "failure"),
    [
        ("", SignatureFailure.MISSING),
        ("sha256=" + GOOD, SignatureFailure.MISMATCH),
        (GOOD.upper(), SignatureFailure.MISMATCH),
        (GOOD + " ", SignatureFailure.MISMATCH),
        ("\ud800", SignatureFailure.MALFORMED),
    ],
)
def test_malformed_header_is_refused(header: str, failure: SignatureFailure) -> None:
    """A missing, prefixed, re-cased, padded or undecodable signature is refused."""
    entry = vector("razorpay")
    request = WebhookRequest(vector_body(entry), {"x-razorpay-signature": header})
    with pytest.raises(SignatureError) as refused:
        RazorpayProvider([entry["secret"]]).verify(request)
    assert refused.value.failure is failure


def body_id(body: bytes) -> str:
    return "sha256:" + hashlib.sha256(body).hexdigest()


def read(body: bytes, headers: dict[str, str] | None = None) -> ProviderEvent:
    return RazorpayProvider(["unused"]).read_event(WebhookRequest(body, headers or {}))


def fixture(name: str) -> bytes:
    return (FIXTURES / "razorpay" / f"{name}.json").read_bytes()


def expected(name: str, created: int, kind: Kind, **fields: object) -> ProviderEvent:
    body = fixture(name)
    return ProviderEvent.model_validate(
        {
            "provider": "razorpay",
            "provider_event_id": body_id(body),
            "provider_event_type": name,
            "kind": kind,
            "verified_by": VerifiedBy.SIGNATURE,
            "occurred_at": datetime.fromtimestamp(created, UTC),
            "raw": RawBody(content_type="application/json", text=body.decode()),
            **fields,
        }
    )


PAID_IDS = ("pay_PHx7mKz1QeL5Xa", "order_PHx6yQ2wGhR8Tb")
EXPECTED = [
    expected(
        "payment.authorized",
        1719835203,
        Kind.PAYMENT_PENDING,
        session_ref=SES1,
        provider_payment_ids=PAID_IDS,
        amount=49900,
        currency="INR",
    ),
    expected(
        "payment.captured",
        1719835211,
        Kind.PAYMENT_SUCCEEDED,
        session_ref=SES1,
        provider_payment_ids=PAID_IDS,
        amount=49900,
        currency="INR",
    ),
    expected(
        "payment.failed",
        1719838861,
        Kind.PAYMENT_FAILED,
        session_ref=SES2,
        provider_payment_ids=("pay_PHy2bNw4TfM7Yc", "order_PHy1cR5xJiS9Uc"),
        amount=129900,
        currency="INR",
        failure_reason="Payment was unsuccessful as the customer's bank declined it.",
    ),
    expected(
        "order.paid",
        1719835212,
        Kind.PAYMENT_SUCCEEDED,
        session_ref=SES1,
        provider_payment_ids=PAID_IDS,
        amount=49900,
        currency="INR",
    ),
    expected(
        "refund.processed",
        1719921612,
        Kind.REFUND_SUCCEEDED,
        session_ref=SES1,
        provider_payment_ids=PAID_IDS,
        amount=20000,
        currency="INR",
        refund_id="rfnd_PIb3kLm8QwE2Rd",
    ),
    expected(
        "refund.failed",
        1719925290,
        Kind.REFUND_FAILED,
        session_ref=SES1,
        provider_payment_ids=PAID_IDS,
        amount=29900,
        currency="INR",
        refund_id="rfnd_PIc4mNo9RxF3Se",
    ),
    expected("refund.created", 1719921601, Kind.IGNORED),
]


@pytest.mark.parametrize("want", EXPECTED, ids=lambda event: event.provider_event_type)
def test_fixture_normalizes(want: ProviderEvent) -> None:
    """A recorded event becomes the expected ProviderEvent, carrying its raw body."""
    assert read(fixture(want.provider_event_type)) == want


def test_event_id_header_is_the_event_id() -> None:
    """The X-Razorpay-Event-Id header, when sent, is the event id."""
    event = read(fixture("payment.captured"), {"x-razorpay-event-id": "KMxsX4Q5mPKQyR"})
    assert event == EXPECTED[1].model_copy(update={"provider_event_id": "KMxsX4Q5mPKQyR"})


def test_same_body_keeps_its_id_without_the_header() -> None:
    """Without the header, a redelivered body gets the same id and another body another."""
    ids = [read(fixture(name)).provider_event_id for name in ("order.paid", "order.paid")]
    other = read(fixture("payment.captured")).provider_event_id
    assert (ids, other) == (
        [body_id(fixture("order.paid"))] * 2,
        body_id(fixture("payment.captured")),
    )


def test_order_paid_reads_the_session_from_the_payment_when_the_order_has_none() -> None:
    """order.paid falls back to the payment's notes for the session id."""
    payload = json.loads(fixture("order.paid"))
    payload["payload"]["order"]["entity"]["notes"] = []
    event = read(json.dumps(payload).encode())
    assert (event.session_ref, event.provider_payment_ids) == (SES1, PAID_IDS)


def with_payment(**changes: object) -> bytes:
    payload = json.loads(fixture("payment.captured"))
    payload["payload"]["payment"]["entity"].update(changes)
    return json.dumps(payload).encode()


UNUSABLE = {
    "not json": b"{",
    "array": b"[]",
    "no payload": b'{"event": "payment.captured", "created_at": 1}',
    "no payment": b'{"event": "payment.captured", "created_at": 1, "payload": {}}',
    "string amount": with_payment(amount="49900"),
    "float amount": with_payment(amount=499.0),
    "negative amount": with_payment(amount=-1),
    "unknown currency": with_payment(currency="rupees"),
    "notes a string": with_payment(notes="x"),
}


@pytest.mark.parametrize("case", UNUSABLE)
def test_unusable_payload_raises_payload_error(case: str) -> None:
    """A verified body that is not a Razorpay event of the documented shape is a PayloadError."""
    with pytest.raises(PayloadError):
        read(UNUSABLE[case])
