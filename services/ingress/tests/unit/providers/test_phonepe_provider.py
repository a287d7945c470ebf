"""PhonePe: v1 X-VERIFY and v2 Authorization against the official vectors, hostile headers,
the scheme decided by the body, and both formats normalized."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime

import pytest
from common.events import ProviderEvent, RawBody, VerifiedBy
from common.events import ProviderEventKind as Kind
from hypothesis import given
from hypothesis import strategies as st
from ingress.providers import (
    PayloadError,
    Provider,
    SignatureError,
    SignatureFailure,
    WebhookRequest,
)
from ingress.providers.phonepe import PhonepeProvider, credential_secret, salt_secret

from .contract import FIXTURES, NOW, ProviderContract
from .vectors import vector

SALT_ONE = salt_secret(1, "salt-one")
SALT_TWO = salt_secret(2, "salt-two")
CREDENTIAL = credential_secret("paywire_hooks", "hooks2024a")


def x_verify(response: str, salt_key: str, index: int) -> str:
    """PhonePe's documented v1 header, independently of the code under test."""
    return hashlib.sha256(f"{response}{salt_key}".encode()).hexdigest() + f"###{index}"


def authorization(username: str, password: str) -> str:
    """PhonePe's documented v2 header."""
    return hashlib.sha256(f"{username}:{password}".encode()).hexdigest()


def v1_request(body: bytes, secret: str) -> WebhookRequest:
    _, index, key = secret.split(":", 2)
    response = json.loads(body)["response"]
    return WebhookRequest(body, {"x-verify": x_verify(response, key, int(index))})


def v2_request(body: bytes, secret: str) -> WebhookRequest:
    _, username, password = secret.split(":", 2)
    return WebhookRequest(body, {"authorization": authorization(username, password)})


def v1_body(name: str) -> bytes:
    return (FIXTURES / "phonepe" / "v1" / f"{name}.json").read_bytes()


def v2_body(name: str) -> bytes:
    return (FIXTURES / "phonepe" / "v2" / f"{name}.json").read_bytes()


class TestPhonepeV1Contract(ProviderContract):
    provider_class = PhonepeProvider
    secrets = (SALT_ONE, SALT_TWO)
    fixture_folder = "phonepe/v1"
    fixture_kinds = {
        "PAYMENT_SUCCESS": Kind.PAYMENT_SUCCEEDED,
        "PAYMENT_ERROR": Kind.PAYMENT_FAILED,
        "PAYMENT_PENDING": Kind.PAYMENT_PENDING,
        "INTERNAL_SERVER_ERROR": Kind.IGNORED,
    }

    def sign(self, body: bytes, secret: str, timestamp: int) -> WebhookRequest:
        return v1_request(body, secret)

    def test_tampered_body_is_refused(self) -> None:
        """Only ``response`` is signed: a response changed after signing is refused."""
        request = self.sign(self.body, self.secrets[0], NOW)
        decoded = json.loads(base64.b64decode(json.loads(request.body)["response"]))
        decoded["data"]["amount"] = 1
        forged = base64.b64encode(json.dumps(decoded).encode()).decode()
        tampered = WebhookRequest(json.dumps({"response": forged}).encode(), request.headers)
        with pytest.raises(SignatureError) as refused:
            self.provider(self.secrets[0]).verify(tampered)
        assert refused.value.failure is SignatureFailure.MISMATCH


class TestPhonepeV2Contract(ProviderContract):
    provider_class = PhonepeProvider
    secrets = (CREDENTIAL, credential_secret("paywire_hooks", "hooks2025b"))
    fixture_folder = "phonepe/v2"
    fixture_kinds = {
        "checkout.order.completed": Kind.PAYMENT_SUCCEEDED,
        "checkout.order.failed": Kind.PAYMENT_FAILED,
        "pg.refund.completed": Kind.REFUND_SUCCEEDED,
        "pg.refund.failed": Kind.REFUND_FAILED,
        "pg.refund.accepted": Kind.IGNORED,
        "checkout.transaction.attempt.failed": Kind.IGNORED,
    }

    def sign(self, body: bytes, secret: str, timestamp: int) -> WebhookRequest:
        return v2_request(body, secret)

    def test_tampered_body_is_refused(self) -> None:
        """The credential covers no byte of the body: a changed body still verifies, which is
        why every v2 event is only ``shared_secret`` and never fulfilled on its own word."""
        request = self.sign(self.body, self.secrets[0], NOW)
        tampered = WebhookRequest(request.body.replace(b"49900", b"100"), request.headers)
        provider = self.provider(self.secrets[0])
        event = provider.read_event(tampered)
        assert (provider.verify(tampered), event.amount, event.verified_by) == (
            0,
            100,
            VerifiedBy.SHARED_SECRET,
        )


def test_official_v1_vector_verifies() -> None:
    """The callback computed from PhonePe's formula verifies with salt index 1."""
    entry = vector("phonepe_v1_callback")
    body = json.dumps({"response": entry["response_base64"]}).encode()
    provider = PhonepeProvider([salt_secret(entry["salt_index"], entry["salt_key"])])
    assert provider.verify(WebhookRequest(body, {"x-verify": entry["header"]})) == 0


def test_official_v2_vector_verifies() -> None:
    """The Authorization from PhonePe's own SDK tests verifies for username:password."""
    entry = vector("phonepe_v2_webhook")
    provider = PhonepeProvider([credential_secret(entry["username"], entry["password"])])
    request = WebhookRequest(
        v2_body("checkout.order.completed"), {"authorization": entry["header"]}
    )
    assert provider.verify(request) == 0


V1_GOOD = vector("phonepe_v1_callback")


def vector_body() -> bytes:
    return json.dumps({"response": V1_GOOD["response_base64"]}).encode()


@pytest.mark.parametrize(
    ("header", "failure"),
    [
        ("", SignatureFailure.MISSING),
        (V1_GOOD["header"].split("###")[0], SignatureFailure.MALFORMED),
        (V1_GOOD["header"].replace("###", "##"), SignatureFailure.MALFORMED),
        (V1_GOOD["header"] + "###1", SignatureFailure.MALFORMED),
        (V1_GOOD["header"].replace("###1", "###"), SignatureFailure.MALFORMED),
        (V1_GOOD["header"].replace("###1", "###one"), SignatureFailure.MALFORMED),
        (V1_GOOD["header"].replace("###1", "###-1"), SignatureFailure.MALFORMED),
        (V1_GOOD["header"].replace("###1", "###\u0661"), SignatureFailure.MALFORMED),
        (V1_GOOD["header"].replace("###1", "###1 "), SignatureFailure.MALFORMED),
        (V1_GOOD["header"].replace("###1", "###99999999999"), SignatureFailure.MALFORMED),
        (V1_GOOD["header"][1:], SignatureFailure.MALFORMED),
        ("sha256=" + V1_GOOD["header"], SignatureFailure.MALFORMED),
        (V1_GOOD["header"].replace("###1", "###2"), SignatureFailure.MISMATCH),
        (V1_GOOD["header"].upper(), SignatureFailure.MISMATCH),
        ("0" * 64 + "###1", SignatureFailure.MISMATCH),
    ],
    ids=[
        "empty",
        "no-index",
        "two-hashes",
        "index-twice",
        "empty-index",
        "word-index",
        "negative-index",
        "arabic-digit",
        "trailing-space",
        "huge-index",
        "short-digest",
        "prefixed",
        "unknown-index",
        "upper-case",
        "wrong-digest",
    ],
)
def test_x_verify_header_is_checked(header: str, failure: SignatureFailure) -> None:
    """A malformed X-VERIFY is refused as malformed; an index with no key, or a wrong
    digest, as a mismatch."""
    provider = PhonepeProvider([salt_secret(1, V1_GOOD["salt_key"])])
    request = WebhookRequest(vector_body(), {"x-verify": header} if header else {})
    with pytest.raises(SignatureError) as refused:
        provider.verify(request)
    assert refused.value.failure is failure


def test_zero_padded_index_names_the_same_key() -> None:
    """``###01`` selects salt index 1."""
    header = V1_GOOD["header"].replace("###1", "###01")
    provider = PhonepeProvider([salt_secret(1, V1_GOOD["salt_key"])])
    assert provider.verify(WebhookRequest(vector_body(), {"x-verify": header})) == 0


def test_the_index_selects_the_salt_key() -> None:
    """A digest made with key 2 but labelled index 1 is checked against key 1 only."""
    response = json.loads(v1_body("PAYMENT_SUCCESS"))["response"]
    header = x_verify(response, "salt-two", 1)
    provider = PhonepeProvider([SALT_ONE, SALT_TWO])
    with pytest.raises(SignatureError) as refused:
        provider.verify(WebhookRequest(v1_body("PAYMENT_SUCCESS"), {"x-verify": header}))
    assert refused.value.failure is SignatureFailure.MISMATCH


def test_rotated_keys_verify_by_their_own_index() -> None:
    """With keys 1 and 2 configured, a callback under either verifies and names its key."""
    provider = PhonepeProvider([SALT_ONE, SALT_TWO])
    matched = [
        provider.verify(v1_request(v1_body("PAYMENT_SUCCESS"), s)) for s in (SALT_ONE, SALT_TWO)
    ]
    assert matched == [0, 1]


def both() -> Provider:
    return PhonepeProvider([SALT_ONE, CREDENTIAL])


def test_a_v1_body_is_not_accepted_on_the_v2_credential() -> None:
    """A v1-shaped body with a valid Authorization but no X-VERIFY is refused: the static
    credential never makes a body ``signature``-verified."""
    request = v2_request(v1_body("PAYMENT_SUCCESS"), CREDENTIAL)
    with pytest.raises(SignatureError) as refused:
        both().verify(request)
    assert refused.value.failure is SignatureFailure.MISSING


def test_a_v2_body_needs_the_credential() -> None:
    """A v2 webhook carrying only an X-VERIFY header is refused as unsigned."""
    body = v2_body("checkout.order.completed")
    request = WebhookRequest(body, {"x-verify": x_verify("anything", "salt-one", 1)})
    with pytest.raises(SignatureError) as refused:
        both().verify(request)
    assert refused.value.failure is SignatureFailure.MISSING


@pytest.mark.parametrize(
    ("header", "failure"),
    [
        ("", SignatureFailure.MISSING),
        ("Basic cGF5d2lyZV9ob29rczpob29rczIwMjRh", SignatureFailure.MALFORMED),
        ("SHA256 " + authorization("paywire_hooks", "hooks2024a"), SignatureFailure.MALFORMED),
        (authorization("paywire_hooks", "hooks2024a")[:-1], SignatureFailure.MALFORMED),
        (authorization("paywire_hooks", "wrong"), SignatureFailure.MISMATCH),
        (authorization("paywire_hooks", "hooks2024a").upper(), SignatureFailure.MISMATCH),
    ],
    ids=["empty", "basic-auth", "prefixed", "short", "wrong-password", "upper-case"],
)
def test_authorization_header_is_checked(header: str, failure: SignatureFailure) -> None:
    """A v2 Authorization that is not the credential's digest is refused."""
    body = v2_body("checkout.order.completed")
    request = WebhookRequest(body, {"authorization": header} if header else {})
    with pytest.raises(SignatureError) as refused:
        both().verify(request)
    assert refused.value.failure is failure


def test_a_v2_body_that_is_not_json_is_a_payload_error() -> None:
    """A body that is not JSON, with a valid credential, is verified and then refused (400)."""
    request = v2_request(b"{not json", CREDENTIAL)
    provider = both()
    provider.verify(request)
    with pytest.raises(PayloadError):
        provider.read_event(request)


@pytest.mark.parametrize(
    "response",
    [
        "not base64!",
        base64.b64encode(b"not json").decode(),
        base64.b64encode(b'{"code": 1}').decode(),
    ],
    ids=["not-base64", "not-json", "not-a-callback"],
)
def test_a_signed_response_that_is_not_a_callback_is_a_payload_error(response: str) -> None:
    """A correctly signed v1 response that does not decode to a callback is refused (400)."""
    body = json.dumps({"response": response}).encode()
    request = v1_request(body, SALT_ONE)
    provider = both()
    provider.verify(request)
    with pytest.raises(PayloadError):
        provider.read_event(request)


headers = st.dictionaries(
    st.sampled_from(["x-verify", "authorization"]),
    st.text(max_size=80) | st.from_regex(r"[0-9a-f]{64}###[0-9]{1,3}", fullmatch=True),
)
bodies = st.binary(max_size=256) | st.sampled_from(
    [v1_body("PAYMENT_SUCCESS"), v2_body("pg.refund.completed")]
)


@given(headers=headers, body=bodies)
def test_arbitrary_headers_and_bodies_only_raise_signature_error(
    headers: dict[str, str], body: bytes
) -> None:
    """Whatever X-VERIFY, Authorization and body hold, verification fails only with
    SignatureError."""
    with pytest.raises(SignatureError):
        both().verify(WebhookRequest(body, headers))


def raw(body: bytes) -> RawBody:
    return RawBody(content_type="application/json", text=body.decode())


def test_v1_success_normalizes() -> None:
    """A v1 PAYMENT_SUCCESS is a signature-verified success in paise, matched by
    merchantTransactionId."""
    request = v1_request(v1_body("PAYMENT_SUCCESS"), SALT_ONE)
    assert both().read_event(request) == ProviderEvent(
        provider="phonepe",
        provider_event_id="v1:T2408221405123456789:PAYMENT_SUCCESS",
        provider_event_type="PAYMENT_SUCCESS",
        kind=Kind.PAYMENT_SUCCEEDED,
        verified_by=VerifiedBy.SIGNATURE,
        session_ref="ses_01J5ZK3V8QH7N2M4R6T9W1X3YA",
        provider_payment_ids=("T2408221405123456789",),
        amount=49900,
        currency="INR",
        raw=raw(request.body),
    )


def test_v1_error_normalizes_with_its_reason() -> None:
    """A v1 PAYMENT_ERROR is a failure carrying PhonePe's response code."""
    request = v1_request(v1_body("PAYMENT_ERROR"), SALT_ONE)
    event = both().read_event(request)
    assert (event.kind, event.failure_reason, event.session_ref) == (
        Kind.PAYMENT_FAILED,
        "ZM",
        "ses_01J5ZM0C4E8G2K6P9S3V7X1B5D",
    )


def test_v2_order_completed_normalizes() -> None:
    """checkout.order.completed is a shared-secret success matched by merchantOrderId."""
    request = v2_request(v2_body("checkout.order.completed"), CREDENTIAL)
    assert both().read_event(request) == ProviderEvent(
        provider="phonepe",
        provider_event_id="checkout.order.completed:OMO2408221405123456789:COMPLETED",
        provider_event_type="checkout.order.completed",
        kind=Kind.PAYMENT_SUCCEEDED,
        verified_by=VerifiedBy.SHARED_SECRET,
        session_ref="ses_01J5ZK3V8QH7N2M4R6T9W1X3YA",
        provider_payment_ids=("OMO2408221405123456789", "OM2408221405223344556"),
        amount=49900,
        currency="INR",
        occurred_at=datetime(2024, 8, 22, 8, 35, 22, tzinfo=UTC),
        raw=raw(request.body),
    )


def test_v2_order_failed_normalizes_with_its_reason() -> None:
    """checkout.order.failed is a failure with PhonePe's detailed error code."""
    event = both().read_event(v2_request(v2_body("checkout.order.failed"), CREDENTIAL))
    assert (event.kind, event.failure_reason, event.verified_by) == (
        Kind.PAYMENT_FAILED,
        "TXN_AUTO_FAILED",
        VerifiedBy.SHARED_SECRET,
    )


def test_v2_refund_completed_normalizes() -> None:
    """pg.refund.completed is a refund of its amount, matched by originalMerchantOrderId."""
    request = v2_request(v2_body("pg.refund.completed"), CREDENTIAL)
    assert both().read_event(request) == ProviderEvent(
        provider="phonepe",
        provider_event_id="pg.refund.completed:OMR2408231010123456789:COMPLETED",
        provider_event_type="pg.refund.completed",
        kind=Kind.REFUND_SUCCEEDED,
        verified_by=VerifiedBy.SHARED_SECRET,
        session_ref="ses_01J5ZK3V8QH7N2M4R6T9W1X3YA",
        amount=20000,
        currency="INR",
        refund_id="OMR2408231010123456789",
        occurred_at=datetime(2024, 8, 23, 10, 10, 30, tzinfo=UTC),
        raw=raw(request.body),
    )


@pytest.mark.parametrize(
    ("state", "kind"),
    [
        ("PENDING", Kind.PAYMENT_PENDING),
        ("EXPIRED", Kind.PAYMENT_EXPIRED),
        ("CREATED", Kind.IGNORED),
    ],
)
def test_v2_order_kind_follows_payload_state(state: str, kind: Kind) -> None:
    """PhonePe says to trust ``payload.state``: it decides the kind of an order event."""
    webhook = json.loads(v2_body("checkout.order.completed"))
    webhook["payload"]["state"] = state
    event = both().read_event(v2_request(json.dumps(webhook).encode(), CREDENTIAL))
    assert event.kind is kind
