"""Stripe events in paywire's vocabulary, from recorded fixtures."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from common.events import ProviderEvent, RawBody, VerifiedBy
from common.events import ProviderEventKind as Kind
from hypothesis import given
from hypothesis import strategies as st
from ingress.providers import PayloadError, WebhookRequest
from ingress.providers.stripe import StripeProvider

from .contract import FIXTURES

SES1 = "ses_01J5ZK3V8QH7N2M4R6T9W1X3YA"
SES2 = "ses_01J5ZM0C4E8G2K6P9S3V7X1B5D"
SES3 = "ses_01J5ZN7R2T5W8Y1A4C6E9G3J5M"


def expected(
    event_type: str, event_id: str, created: int, kind: Kind, **fields: object
) -> ProviderEvent:
    return ProviderEvent.model_validate(
        {
            "provider": "stripe",
            "provider_event_id": event_id,
            "provider_event_type": event_type,
            "kind": kind,
            "verified_by": VerifiedBy.SIGNATURE,
            "occurred_at": datetime.fromtimestamp(created, UTC),
            **fields,
        }
    )


EXPECTED = [
    expected(
        "payment_intent.succeeded",
        "evt_3PrwH62eZvKYlo2C0Yq3fW1d",
        1724327710,
        Kind.PAYMENT_SUCCEEDED,
        session_ref=SES1,
        provider_payment_ids=("pi_3PrwH62eZvKYlo2C0q8lRt2M",),
        amount=4999,
        currency="USD",
    ),
    expected(
        "payment_intent.processing",
        "evt_3PrxA12eZvKYlo2C1c8sQm4n",
        1724331120,
        Kind.PAYMENT_PENDING,
        session_ref=SES2,
        provider_payment_ids=("pi_3PrxA12eZvKYlo2C1Vd0Hh7P",),
        amount=125000,
        currency="USD",
    ),
    expected(
        "payment_intent.payment_failed",
        "evt_3PryC42eZvKYlo2C0b7Kx9Qe",
        1724334455,
        Kind.PAYMENT_FAILED,
        session_ref=SES3,
        provider_payment_ids=("pi_3PryC42eZvKYlo2C0y2m8GfT",),
        amount=4999,
        currency="EUR",
        failure_reason="Your card has insufficient funds.",
    ),
    expected(
        "payment_intent.canceled",
        "evt_3PrzD52eZvKYlo2C1n3Vb6Yt",
        1724420001,
        Kind.PAYMENT_CANCELED,
        session_ref=SES1,
        provider_payment_ids=("pi_3PrzD52eZvKYlo2C1k4GqP0w",),
        amount=2500,
        currency="GBP",
    ),
    expected(
        "charge.refunded",
        "evt_3PrwH62eZvKYlo2C0aR7uL2c",
        1724500321,
        Kind.REFUND_SUCCEEDED,
        session_ref=SES1,
        provider_payment_ids=("ch_3PrwH62eZvKYlo2C0JkD9mZq", "pi_3PrwH62eZvKYlo2C0q8lRt2M"),
        currency="USD",
        refunded_total=2000,
    ),
    expected(
        "checkout.session.completed",
        "evt_1PrwJ82eZvKYlo2CxV0tQ3Ls",
        1724327790,
        Kind.PAYMENT_SUCCEEDED,
        session_ref=SES1,
        provider_payment_ids=(
            "cs_test_a1Yb2Zc3Xd4We5Vf6Ug7Th8Si9Rj0Qk1Pl2Om3Nn4Mo5Lp6Kq7Jr8Is9",
            "pi_3PrwJ52eZvKYlo2C1Hs4Tq9B",
        ),
        amount=4999,
        currency="USD",
    ),
    expected(
        "checkout.session.async_payment_succeeded",
        "evt_1PsB0c2eZvKYlo2C9aW4pE7r",
        1724588402,
        Kind.PAYMENT_SUCCEEDED,
        session_ref=SES2,
        provider_payment_ids=(
            "cs_test_b1Ca2Db3Ec4Fd5Ge6Hf7Ig8Jh9Ki0Lj1Mk2Nl3Om4Pn5Qo6Rp7Sq8Tr9",
            "pi_3PsAzz2eZvKYlo2C0Ww1Xy2Z",
        ),
        amount=10000,
        currency="EUR",
    ),
    expected(
        "checkout.session.async_payment_failed",
        "evt_1PsB9d2eZvKYlo2Cq3Rs5Tu6",
        1724590011,
        Kind.PAYMENT_FAILED,
        session_ref=SES3,
        provider_payment_ids=(
            "cs_test_c1Dd2Ee3Ff4Gg5Hh6Ii7Jj8Kk9Ll0Mm1Nn2Oo3Pp4Qq5Rr6Ss7Tt8Uu9",
            "pi_3PsB0a2eZvKYlo2C1Aa2Bb3C",
        ),
        amount=10000,
        currency="EUR",
    ),
    expected(
        "checkout.session.expired",
        "evt_1PsCxE2eZvKYlo2Cz9Yx8Wv7",
        1724675202,
        Kind.PAYMENT_EXPIRED,
        session_ref=SES2,
        provider_payment_ids=("cs_test_d1Ee2Ff3Gg4Hh5Ii6Jj7Kk8Ll9Mm0Nn1Oo2Pp3Qq4Rr5Ss6Tt7Uu8Vv9",),
        amount=1500,
        currency="JPY",
    ),
    expected("customer.created", "evt_1PrwH42eZvKYlo2CfG5h6J7k", 1724327700, Kind.IGNORED),
]


def read(body: bytes) -> ProviderEvent:
    return StripeProvider(["whsec_unused"]).read_event(WebhookRequest(body, {}))


def with_raw(event: ProviderEvent, body: bytes) -> ProviderEvent:
    raw = RawBody(content_type="application/json", text=body.decode())
    return event.model_copy(update={"raw": raw})


@pytest.mark.parametrize("want", EXPECTED, ids=lambda event: event.provider_event_type)
def test_fixture_normalizes(stripe_fixture: Callable[[str], bytes], want: ProviderEvent) -> None:
    """A recorded event becomes the expected ProviderEvent, carrying its raw body."""
    body = stripe_fixture(want.provider_event_type)
    assert read(body) == with_raw(want, body)


def test_unpaid_completed_checkout_is_pending(stripe_fixture: Callable[[str], bytes]) -> None:
    """A completed Checkout Session whose payment is still unpaid is pending, not paid."""
    payload = json.loads(stripe_fixture("checkout.session.completed"))
    payload["data"]["object"]["payment_status"] = "unpaid"
    body = json.dumps(payload).encode()
    completed = next(e for e in EXPECTED if e.provider_event_type == "checkout.session.completed")
    assert read(body) == with_raw(completed.model_copy(update={"kind": Kind.PAYMENT_PENDING}), body)


def test_unknown_type_is_ignored_whatever_its_object() -> None:
    """An event type paywire does not act on is ignored without reading its object."""
    body = (
        b'{"id": "evt_1", "type": "radar.early_fraud_warning.created", "created": 1,'
        b' "data": {"object": {"x": []}}}'
    )
    want = expected("radar.early_fraud_warning.created", "evt_1", 1, Kind.IGNORED)
    assert read(body) == with_raw(want, body)


Loader = Callable[[str], bytes]


def with_object(load: Loader, **changes: object) -> bytes:
    payload = json.loads(load("payment_intent.succeeded"))
    payload["data"]["object"].update(changes)
    return json.dumps(payload).encode()


UNUSABLE: dict[str, Callable[[Loader], bytes]] = {
    "not json": lambda _: b"not json",
    "non-utf8": lambda _: b'{"id": "\xff"}',
    "array": lambda _: b"[]",
    "missing fields": lambda _: b'{"id": "evt_1"}',
    "string amount": lambda load: with_object(load, amount_received="4999"),
    "float amount": lambda load: with_object(load, amount_received=49.99),
    "negative amount": lambda load: with_object(load, amount_received=-1),
    "unknown currency": lambda load: with_object(load, currency="dollars"),
    "null metadata value": lambda load: with_object(load, metadata={"paywire_session_id": None}),
    "created before 1970": lambda load: load("customer.created").replace(
        b'"created": 1724327700', b'"created": -1', 1
    ),
    "deep nesting": lambda _: b"[" * 100_000 + b"]" * 100_000,
}


@pytest.mark.parametrize("case", UNUSABLE)
def test_unusable_payload_raises_payload_error(stripe_fixture: Loader, case: str) -> None:
    """A verified body that is not a Stripe event of the documented shape is a PayloadError."""
    with pytest.raises(PayloadError):
        read(UNUSABLE[case](stripe_fixture))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


OBJECT_FIELDS = (
    "id",
    "amount",
    "amount_received",
    "amount_total",
    "amount_refunded",
    "currency",
    "metadata",
    "payment_intent",
    "client_reference_id",
    "payment_status",
    "last_payment_error",
)


@given(
    event_type=st.sampled_from([want.provider_event_type for want in EXPECTED]),
    field=st.sampled_from(OBJECT_FIELDS),
    value=json_values,
)
def test_any_field_value_normalizes_or_is_a_payload_error(
    event_type: str, field: str, value: object
) -> None:
    """Whatever value a field holds, normalization returns an event or raises PayloadError."""
    payload = json.loads((FIXTURES / "stripe" / f"{event_type}.json").read_bytes())
    payload["data"]["object"][field] = value
    try:
        event = read(json.dumps(payload).encode())
    except PayloadError:
        return
    assert event.provider_event_type == event_type
