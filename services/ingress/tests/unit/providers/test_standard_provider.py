"""Standard Webhooks: the scheme against the official vector, Svix's header names, and the
documented payload normalized."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime

import pytest
from common.events import ProviderEvent, RawBody, VerifiedBy
from common.events import ProviderEventKind as Kind
from hypothesis import given
from hypothesis import strategies as st
from ingress.providers import PayloadError, SignatureError, SignatureFailure, WebhookRequest
from ingress.providers.standard import StandardProvider

from .contract import FIXTURES, NOW, TimestampedContract
from .vectors import vector, vector_body

SES1 = "ses_01J6C5W8ZT1V6R3B7Q9Z2Y4F5G"
SES2 = "ses_01J6C6X9ZV2W7S4C8R0A3Z5G6H"
MESSAGE_ID = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"


def standard_signature(message_id: str, timestamp: int, body: bytes, secret: str) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def headers(
    message_id: str, timestamp: int | str, signature: str, prefix: str = "webhook"
) -> dict[str, str]:
    return {
        f"{prefix}-id": message_id,
        f"{prefix}-timestamp": str(timestamp),
        f"{prefix}-signature": signature,
    }


class TestStandardContract(TimestampedContract):
    provider_class = StandardProvider
    secrets = (
        "whsec_" + base64.b64encode(b"first standard secret, 32 bytes!").decode(),
        "whsec_" + base64.b64encode(b"second standard secret, 32 bytes").decode(),
    )
    fixture_kinds = {
        "payment.succeeded": Kind.PAYMENT_SUCCEEDED,
        "payment.failed": Kind.PAYMENT_FAILED,
        "refund.succeeded": Kind.REFUND_SUCCEEDED,
        "customer.created": Kind.IGNORED,
    }

    def sign(self, body: bytes, secret: str, timestamp: int) -> WebhookRequest:
        signature = standard_signature(MESSAGE_ID, timestamp, body, secret)
        return WebhookRequest(body, headers(MESSAGE_ID, timestamp, signature))


ENTRY = vector("standard_webhooks")
VECTOR_BODY = vector_body(ENTRY)
VECTOR_HEADERS = headers(ENTRY["webhook_id"], ENTRY["webhook_timestamp"], ENTRY["header"])


def at_vector_time(*secrets: str, offset: int = 0) -> StandardProvider:
    return StandardProvider(
        list(secrets) or [ENTRY["secret"]], clock=lambda: ENTRY["webhook_timestamp"] + offset
    )


def test_official_vector_verifies() -> None:
    """The vector from the standard-webhooks Python library's tests verifies."""
    assert at_vector_time().verify(WebhookRequest(VECTOR_BODY, VECTOR_HEADERS)) == 0


def test_svix_header_names_verify() -> None:
    """svix-id, svix-timestamp and svix-signature stand in for the webhook-* headers."""
    svix = headers(ENTRY["webhook_id"], ENTRY["webhook_timestamp"], ENTRY["header"], "svix")
    assert at_vector_time().verify(WebhookRequest(VECTOR_BODY, svix)) == 0


def test_secret_without_its_prefix_verifies() -> None:
    """A secret configured without ``whsec_`` is the same base64 key."""
    bare = ENTRY["secret"].removeprefix("whsec_")
    assert at_vector_time(bare).verify(WebhookRequest(VECTOR_BODY, VECTOR_HEADERS)) == 0


@pytest.mark.parametrize("offset", [301, -301])
def test_official_vector_outside_window_is_refused(offset: int) -> None:
    """The vector is refused 301 s after its timestamp and 301 s before it."""
    with pytest.raises(SignatureError) as refused:
        at_vector_time(offset=offset).verify(WebhookRequest(VECTOR_BODY, VECTOR_HEADERS))
    assert refused.value.failure is SignatureFailure.OUTSIDE_WINDOW


def test_any_listed_v1_signature_verifies() -> None:
    """A list of a wrong v1, an ed25519 v1a and the right v1 verifies."""
    listed = f"v1,{'A' * 44} v1a,{'B' * 88} {ENTRY['header']}"
    request = WebhookRequest(VECTOR_BODY, {**VECTOR_HEADERS, "webhook-signature": listed})
    assert at_vector_time().verify(request) == 0


GOOD = ENTRY["header"]


@pytest.mark.parametrize(
    ("changes", "failure"),
    [
        ({"webhook-id": ""}, SignatureFailure.MISSING),
        ({"webhook-timestamp": ""}, SignatureFailure.MISSING),
        ({"webhook-signature": ""}, SignatureFailure.MISSING),
        ({"webhook-timestamp": "1614265330.5"}, SignatureFailure.MALFORMED),
        ({"webhook-timestamp": "-1614265330"}, SignatureFailure.MALFORMED),
        ({"webhook-timestamp": "2021-02-25T15:02:10Z"}, SignatureFailure.MALFORMED),
        ({"webhook-signature": GOOD.removeprefix("v1,")}, SignatureFailure.MALFORMED),
        ({"webhook-signature": GOOD.replace("v1,", "v2,")}, SignatureFailure.MALFORMED),
        ({"webhook-signature": "v1,"}, SignatureFailure.MISMATCH),
        ({"webhook-signature": f"v1,{'A' * 44},{GOOD}"}, SignatureFailure.MISMATCH),
        ({"webhook-id": "msg_other"}, SignatureFailure.MISMATCH),
        ({"webhook-id": "msg_\ud800"}, SignatureFailure.MALFORMED),
    ],
)
def test_malformed_headers_are_refused(changes: dict[str, str], failure: SignatureFailure) -> None:
    """Missing, malformed or mismatched headers are refused, naming the failure."""
    request = WebhookRequest(VECTOR_BODY, {**VECTOR_HEADERS, **changes})
    with pytest.raises(SignatureError) as refused:
        at_vector_time().verify(request)
    assert refused.value.failure is failure


@pytest.mark.parametrize("secret", ["whsec_not base64!", "whsec_YWJ"])
def test_secret_that_is_not_base64_is_refused_at_start(secret: str) -> None:
    """A configured secret that does not decode stops the provider from being built."""
    with pytest.raises(ValueError, match="whsec_ and base64"):
        StandardProvider([secret])


signature_entries = st.tuples(
    st.sampled_from(["v1", "v1a", "v2", ""]) | st.text(max_size=4),
    st.text(max_size=50),
).map(",".join)


@given(
    message_id=st.text(max_size=40),
    timestamp=st.from_regex(r"[0-9]{1,12}", fullmatch=True) | st.text(max_size=14),
    entries=st.lists(signature_entries, max_size=4),
    body=st.binary(max_size=256),
)
def test_structured_garbage_only_raises_signature_error(
    message_id: str, timestamp: str, entries: list[str], body: bytes
) -> None:
    """Headers shaped like Standard Webhooks' fail only with SignatureError."""
    request = WebhookRequest(body, headers(message_id, timestamp, " ".join(entries)))
    with pytest.raises(SignatureError):
        StandardProvider(list(TestStandardContract.secrets), clock=lambda: NOW).verify(request)


def fixture(name: str) -> bytes:
    return (FIXTURES / "standard" / f"{name}.json").read_bytes()


def read(body: bytes, message_id: str = MESSAGE_ID) -> ProviderEvent:
    provider = StandardProvider([ENTRY["secret"]])
    return provider.read_event(WebhookRequest(body, {"webhook-id": message_id}))


def expected(name: str, occurred: datetime, kind: Kind, **fields: object) -> ProviderEvent:
    return ProviderEvent.model_validate(
        {
            "provider": "standard",
            "provider_event_id": MESSAGE_ID,
            "provider_event_type": name,
            "kind": kind,
            "verified_by": VerifiedBy.SIGNATURE,
            "occurred_at": occurred,
            "raw": RawBody(content_type="application/json", text=fixture(name).decode()),
            **fields,
        }
    )


EXPECTED = [
    expected(
        "payment.succeeded",
        datetime(2024, 7, 3, 10, 15, 30, tzinfo=UTC),
        Kind.PAYMENT_SUCCEEDED,
        session_ref=SES1,
        provider_payment_ids=("pay_7Hk2Lm9Qx4",),
        amount=4900,
        currency="EUR",
    ),
    expected(
        "payment.failed",
        datetime(2024, 7, 3, 11, 2, 7, tzinfo=UTC),
        Kind.PAYMENT_FAILED,
        session_ref=SES2,
        provider_payment_ids=("pay_8Jn3Mp0Ry5",),
        amount=15000,
        currency="EUR",
        failure_reason="insufficient funds",
    ),
    expected(
        "refund.succeeded",
        datetime(2024, 7, 5, 8, 45, tzinfo=UTC),
        Kind.REFUND_SUCCEEDED,
        session_ref=SES1,
        provider_payment_ids=("pay_7Hk2Lm9Qx4",),
        amount=1900,
        currency="EUR",
        refund_id="re_3Fq8Tz1Wb6",
    ),
    expected("customer.created", datetime(2024, 7, 3, 10, 14, 2, tzinfo=UTC), Kind.IGNORED),
]


@pytest.mark.parametrize("want", EXPECTED, ids=lambda event: event.provider_event_type)
def test_fixture_normalizes(want: ProviderEvent) -> None:
    """A documented payload becomes the expected ProviderEvent, its id the webhook-id."""
    assert read(fixture(want.provider_event_type)) == want


def test_svix_id_is_the_event_id() -> None:
    """Sent as svix-id, the message id is the event id too."""
    provider = StandardProvider([ENTRY["secret"]])
    request = WebhookRequest(fixture("payment.succeeded"), {"svix-id": "msg_svix_1"})
    assert provider.read_event(request).provider_event_id == "msg_svix_1"


def with_data(name: str, **changes: object) -> bytes:
    payload = json.loads(fixture(name))
    payload["data"].update(changes)
    return json.dumps(payload).encode()


UNUSABLE = {
    "the vector's body, no type": VECTOR_BODY,
    "no data": b'{"type": "payment.succeeded", "timestamp": "2024-07-03T10:15:30Z"}',
    "timestamp without zone": fixture("payment.succeeded").replace(b"10:15:30Z", b"10:15:30"),
    "no payment id": with_data("payment.succeeded", payment_id=None),
    "amount as text": with_data("payment.succeeded", amount="4900"),
    "amount in major units": with_data("payment.succeeded", amount=49.0),
    "unknown currency": with_data("payment.succeeded", currency="euro"),
    "session id not text": with_data("payment.succeeded", paywire_session_id=7),
    "refund without its id": with_data("refund.succeeded", refund_id=None),
}


@pytest.mark.parametrize("case", UNUSABLE)
def test_unusable_payload_raises_payload_error(case: str) -> None:
    """A verified body that is not the documented payload is a PayloadError."""
    with pytest.raises(PayloadError):
        read(UNUSABLE[case])
