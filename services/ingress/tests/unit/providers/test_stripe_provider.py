"""Stripe's signature scheme, against the shared vectors and hostile headers."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import pytest
from common.events import ProviderEventKind as Kind
from hypothesis import given
from hypothesis import strategies as st
from ingress.providers import SignatureError, SignatureFailure, WebhookRequest
from ingress.providers.stripe import StripeProvider

from .contract import NOW, TimestampedContract

REPO = Path(__file__).resolve().parents[5]
VECTORS = REPO.parent / "shared" / "vectors" / "vectors.json"


def stripe_header(body: bytes, secret: str, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


class TestStripeContract(TimestampedContract):
    provider_class = StripeProvider
    secrets = ("whsec_first_0123456789abcdef", "whsec_second_0123456789abcdef")
    fixture_kinds = {
        "payment_intent.succeeded": Kind.PAYMENT_SUCCEEDED,
        "payment_intent.processing": Kind.PAYMENT_PENDING,
        "payment_intent.payment_failed": Kind.PAYMENT_FAILED,
        "payment_intent.canceled": Kind.PAYMENT_CANCELED,
        "charge.refunded": Kind.REFUND_SUCCEEDED,
        "checkout.session.completed": Kind.PAYMENT_SUCCEEDED,
        "checkout.session.async_payment_succeeded": Kind.PAYMENT_SUCCEEDED,
        "checkout.session.async_payment_failed": Kind.PAYMENT_FAILED,
        "checkout.session.expired": Kind.PAYMENT_EXPIRED,
        "customer.created": Kind.IGNORED,
    }

    def sign(self, body: bytes, secret: str, timestamp: int) -> WebhookRequest:
        return WebhookRequest(body, {"stripe-signature": stripe_header(body, secret, timestamp)})


@pytest.fixture(scope="module")
def vector() -> dict[str, Any]:
    vectors: dict[str, dict[str, Any]] = json.loads(VECTORS.read_text())
    return vectors["stripe"]


def vector_request(vector: dict[str, Any], header: str | None = None) -> WebhookRequest:
    signature = vector["header"] if header is None else header
    return WebhookRequest(vector["body"].encode(), {"stripe-signature": signature})


def test_shared_vector_verifies(vector: dict[str, Any]) -> None:
    """The vector computed with Stripe's own SDK verifies at its timestamp."""
    provider = StripeProvider([vector["secret"]], clock=lambda: vector["timestamp"])
    assert provider.verify(vector_request(vector)) == 0


@pytest.mark.parametrize("offset", [301, -301])
def test_shared_vector_outside_window_is_refused(vector: dict[str, Any], offset: int) -> None:
    """The vector is refused 301 s after its timestamp and 301 s before it."""
    provider = StripeProvider([vector["secret"]], clock=lambda: vector["timestamp"] + offset)
    with pytest.raises(SignatureError) as refused:
        provider.verify(vector_request(vector))
    assert refused.value.failure is SignatureFailure.OUTSIDE_WINDOW


def test_any_of_several_v1_signatures_verifies(vector: dict[str, Any]) -> None:
    """A header listing a wrong v1, the right v1 and a v0 verifies."""
    t, v1 = vector["header"].split(",")
    header = f"{t},v1={'0' * 64},{v1},v0={'f' * 64}"
    provider = StripeProvider([vector["secret"]], clock=lambda: vector["timestamp"])
    assert provider.verify(vector_request(vector, header)) == 0


def test_signature_is_bound_to_its_timestamp(vector: dict[str, Any]) -> None:
    """The same v1 under another timestamp does not verify."""
    header = vector["header"].replace("t=1700000000", "t=1700000001")
    provider = StripeProvider([vector["secret"]], clock=lambda: vector["timestamp"])
    with pytest.raises(SignatureError) as refused:
        provider.verify(vector_request(vector, header))
    assert refused.value.failure is SignatureFailure.MISMATCH


GOOD_V1 = "v1=4f1cd7feda9826e746b7d482c4badebb657398df1099e1046364f6196a230150"


@pytest.mark.parametrize(
    ("header", "failure"),
    [
        ("", SignatureFailure.MISSING),
        ("garbage", SignatureFailure.MALFORMED),
        (GOOD_V1, SignatureFailure.MALFORMED),
        ("t=1700000000", SignatureFailure.MALFORMED),
        ("t=1700000000,v0=" + "f" * 64, SignatureFailure.MALFORMED),
        ("t=abc," + GOOD_V1, SignatureFailure.MALFORMED),
        ("t=-1700000000," + GOOD_V1, SignatureFailure.MALFORMED),
        ("t=\u0661\u0667" + "\u0660" * 8 + "," + GOOD_V1, SignatureFailure.MALFORMED),
        ("t=1700000000,t=1700000000," + GOOD_V1, SignatureFailure.MALFORMED),
        ("t=1700000000;" + GOOD_V1, SignatureFailure.MALFORMED),
        ("t=99999999999999999999," + GOOD_V1, SignatureFailure.MALFORMED),
        ("t=1700000000,v1=", SignatureFailure.MISMATCH),
        ("t=1700000000,v1=ü✓", SignatureFailure.MISMATCH),
        ("t=1700000000,v1=\ud800", SignatureFailure.MALFORMED),
        ("t=1700000000,v1=" + GOOD_V1[3:].upper(), SignatureFailure.MISMATCH),
    ],
)
def test_malformed_header_is_refused(
    vector: dict[str, Any], header: str, failure: SignatureFailure
) -> None:
    """A malformed Stripe-Signature header raises SignatureError naming the failure."""
    provider = StripeProvider([vector["secret"]], clock=lambda: vector["timestamp"])
    with pytest.raises(SignatureError) as refused:
        provider.verify(vector_request(vector, header))
    assert refused.value.failure is failure


header_items = st.tuples(
    st.sampled_from(["t", "v1", "v0", "", " t", "T"]) | st.text(max_size=5),
    st.from_regex(r"[0-9]{1,12}", fullmatch=True) | st.text(max_size=70),
).map("=".join)


@given(items=st.lists(header_items, max_size=6), body=st.binary(max_size=256))
def test_structured_garbage_only_raises_signature_error(items: list[str], body: bytes) -> None:
    """Headers built from Stripe-like items fail only with SignatureError."""
    provider = StripeProvider(["whsec_first_0123456789abcdef"], clock=lambda: NOW)
    with pytest.raises(SignatureError):
        provider.verify(WebhookRequest(body, {"stripe-signature": ",".join(items)}))
