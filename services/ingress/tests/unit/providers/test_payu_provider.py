"""PayU: the reverse hash against the official vector, hostile forms, and callbacks normalized."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qsl, urlencode

import pytest
from common.events import ProviderEvent, RawBody, VerifiedBy
from common.events import ProviderEventKind as Kind
from hypothesis import given
from hypothesis import strategies as st
from ingress.providers import PayloadError, SignatureError, SignatureFailure, WebhookRequest
from ingress.providers.payu import PayuProvider

from .contract import FIXTURES, ProviderContract
from .vectors import vector

SALT = "payu-salt-one"
FORM = {"content-type": "application/x-www-form-urlencoded"}
IST = timezone(timedelta(hours=5, minutes=30))


def reverse_hash(fields: dict[str, str], salt: str) -> str:
    """PayU's documented formula, written out independently of the code under test."""
    f = {
        name: fields.get(name, "")
        for name in ("udf1", "udf2", "udf3", "udf4", "udf5", "email", "firstname", "productinfo")
    } | fields
    hashed = (
        f"{salt}|{f['status']}||||||{f['udf5']}|{f['udf4']}|{f['udf3']}|{f['udf2']}|{f['udf1']}"
        f"|{f['email']}|{f['firstname']}|{f['productinfo']}|{f['amount']}|{f['txnid']}|{f['key']}"
    )
    if "additionalCharges" in fields:
        hashed = f"{fields['additionalCharges']}|{hashed}"
    return hashlib.sha512(hashed.encode()).hexdigest()


def fields_of(body: bytes) -> dict[str, str]:
    return dict(parse_qsl(body.decode(), keep_blank_values=True))


def signed(fields: dict[str, str], salt: str = SALT) -> WebhookRequest:
    """The form PayU posts: the fields, then ``hash``."""
    unsigned = {name: value for name, value in fields.items() if name != "hash"}
    body = urlencode({**unsigned, "hash": reverse_hash(unsigned, salt)}).encode()
    return WebhookRequest(body, FORM)


def recorded(name: str) -> dict[str, str]:
    return fields_of((FIXTURES / "payu" / f"{name}.form").read_bytes())


class TestPayuContract(ProviderContract):
    provider_class = PayuProvider
    secrets = (SALT, "payu-salt-two")
    fixture_suffix = ".form"
    fixture_kinds = {
        "success": Kind.PAYMENT_SUCCEEDED,
        "failure": Kind.PAYMENT_FAILED,
        "pending": Kind.PAYMENT_PENDING,
    }

    def sign(self, body: bytes, secret: str, timestamp: int) -> WebhookRequest:
        return signed(fields_of(body), secret)


def test_official_vector_verifies() -> None:
    """The reverse hash from PayU's own SDK tests verifies under its salt."""
    entry = vector("payu_reverse_hash")
    fields = {**entry["fields"], "key": entry["key"], "hash": entry["hash"]}
    request = WebhookRequest(urlencode(fields).encode(), FORM)
    assert PayuProvider([entry["salt"]]).verify(request) == 0


def test_official_vector_with_another_salt_is_refused() -> None:
    """The official vector does not verify under a salt that is not its own."""
    entry = vector("payu_reverse_hash")
    fields = {**entry["fields"], "key": entry["key"], "hash": entry["hash"]}
    with pytest.raises(SignatureError) as refused:
        PayuProvider([SALT]).verify(WebhookRequest(urlencode(fields).encode(), FORM))
    assert refused.value.failure is SignatureFailure.MISMATCH


def test_additional_charges_are_hashed_in_front() -> None:
    """With ``additionalCharges`` the hash starts with it; dropping it breaks the hash."""
    fields = recorded("success") | {"additionalCharges": "11.80"}
    request = signed(fields)
    without = urlencode(
        {k: v for k, v in fields_of(request.body).items() if k != "additionalCharges"}
    )
    provider = PayuProvider([SALT])
    outcomes = [provider.verify(request)]
    with pytest.raises(SignatureError) as refused:
        provider.verify(WebhookRequest(without.encode(), FORM))
    assert (outcomes, refused.value.failure) == ([0], SignatureFailure.MISMATCH)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", "failure"),
        ("amount", "1.00"),
        ("udf1", "ses_01J5ZM0C4E8G2K6P9S3V7X1B5D"),
        ("txnid", "pw-other"),
        ("key", "other"),
        ("email", "mallory@example.com"),
    ],
)
def test_changing_a_hashed_field_is_refused(field: str, value: str) -> None:
    """Each field the reverse hash covers, changed after signing, makes it a mismatch."""
    good = fields_of(signed(recorded("success")).body)
    body = urlencode(good | {field: value}).encode()
    with pytest.raises(SignatureError) as refused:
        PayuProvider([SALT]).verify(WebhookRequest(body, FORM))
    assert refused.value.failure is SignatureFailure.MISMATCH


@pytest.mark.parametrize(
    ("body", "failure"),
    [
        (b"", SignatureFailure.MISSING),
        (b"status=success&amount=1&txnid=t&key=k", SignatureFailure.MISSING),
        (b"status=success&amount=1&txnid=t&key=k&hash=", SignatureFailure.MISSING),
        ((FIXTURES / "payu" / "refund.json").read_bytes(), SignatureFailure.MISSING),
        (b'  [{"hash": "00"}]', SignatureFailure.MISSING),
        (b"status=success&amount=1&key=k&hash=00", SignatureFailure.MALFORMED),
        (
            b"status=success&status=failure&amount=1&txnid=t&key=k&hash=00",
            SignatureFailure.MALFORMED,
        ),
        (b"status=success&amount=1&txnid=t&key=k&hash=00&junk", SignatureFailure.MALFORMED),
        (b"status=%FF&amount=1&txnid=t&key=k&hash=00", SignatureFailure.MALFORMED),
        (b"\xff\xfe=1&hash=00", SignatureFailure.MALFORMED),
        (b"status=success&amount=1&txnid=t&key=k&hash=00", SignatureFailure.MISMATCH),
    ],
    ids=[
        "empty",
        "no-hash",
        "empty-hash",
        "json-refund-callback",
        "json-array",
        "no-txnid",
        "repeated-field",
        "pair-without-value",
        "bad-percent-utf8",
        "binary",
        "wrong-hash",
    ],
)
def test_malformed_callback_is_refused(body: bytes, failure: SignatureFailure) -> None:
    """Unsigned JSON (refunds), missing or repeated fields and bad encodings are refused."""
    with pytest.raises(SignatureError) as refused:
        PayuProvider([SALT]).verify(WebhookRequest(body, FORM))
    assert refused.value.failure is failure


@given(
    body=st.binary(max_size=512)
    | st.dictionaries(st.text(max_size=12), st.text(max_size=30)).map(
        lambda d: urlencode(d).encode()
    )
)
def test_arbitrary_forms_only_raise_signature_error(body: bytes) -> None:
    """Whatever the form holds, verification fails only with SignatureError."""
    with pytest.raises(SignatureError):
        PayuProvider([SALT, "payu-salt-two"]).verify(WebhookRequest(body, FORM))


def expected(name: str, kind: Kind, **fields: object) -> ProviderEvent:
    request = signed(recorded(name))
    return ProviderEvent.model_validate(
        {
            "provider": "payu",
            "kind": kind,
            "verified_by": VerifiedBy.SIGNATURE,
            "currency": "INR",
            "amount": 49900,
            "raw": RawBody(content_type=FORM["content-type"], text=request.body.decode()),
            **fields,
        }
    )


EXPECTED = {
    "success": expected(
        "success",
        Kind.PAYMENT_SUCCEEDED,
        provider_event_id="pw7f3c9a1e52d04b0a11:success",
        provider_event_type="success",
        session_ref="ses_01J5ZK3V8QH7N2M4R6T9W1X3YA",
        provider_payment_ids=("403993715531077182", "pw7f3c9a1e52d04b0a11"),
        occurred_at=datetime(2024, 8, 22, 14, 5, 11, tzinfo=IST),
    ),
    "failure": expected(
        "failure",
        Kind.PAYMENT_FAILED,
        provider_event_id="pw0c8d2b7e41a95f3c22:failure",
        provider_event_type="failure",
        session_ref="ses_01J5ZM0C4E8G2K6P9S3V7X1B5D",
        provider_payment_ids=("403993715531077199", "pw0c8d2b7e41a95f3c22"),
        failure_reason="Transaction declined by the payer's bank",
        occurred_at=datetime(2024, 8, 22, 14, 9, 47, tzinfo=IST),
    ),
    "pending": expected(
        "pending",
        Kind.PAYMENT_PENDING,
        provider_event_id="pw5e1a7c3d9b24f6e833:pending",
        provider_event_type="pending",
        session_ref="ses_01J5ZN7R2T5W8Y1A4C6E9G3J5M",
        provider_payment_ids=("403993715531077210", "pw5e1a7c3d9b24f6e833"),
        occurred_at=datetime(2024, 8, 22, 14, 12, 3, tzinfo=IST),
    ),
}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_recorded_callback_normalizes(name: str) -> None:
    """A recorded callback becomes the expected event: session from udf1, rupees in paise."""
    request = signed(recorded(name))
    assert PayuProvider([SALT]).read_event(request) == EXPECTED[name]


def test_the_browser_post_and_the_webhook_share_one_event_id() -> None:
    """The surl post and the server webhook of one payment give one event id, whatever
    unsigned fields differ between them."""
    provider = PayuProvider([SALT])
    browser = signed(recorded("success"))
    webhook = signed(recorded("success") | {"mihpayid": "403993715531077183", "field9": "ok"})
    ids = {provider.read_event(r).provider_event_id for r in (browser, webhook)}
    assert ids == {"pw7f3c9a1e52d04b0a11:success"}


def test_unknown_status_is_ignored() -> None:
    """A status paywire does not act on (``userCancelled``) is published as ignored."""
    event = PayuProvider([SALT]).read_event(
        signed(recorded("failure") | {"status": "userCancelled"})
    )
    assert (event.kind, event.provider_event_id) == (
        Kind.IGNORED,
        "pw0c8d2b7e41a95f3c22:userCancelled",
    )


@pytest.mark.parametrize("amount", ["499.005", "-1.00", "NaN", "1e400", "four"])
def test_inexact_amount_is_a_payload_error(amount: str) -> None:
    """An amount that is not exact rupees and paise is refused once verified (400)."""
    request = signed(recorded("success") | {"amount": amount})
    provider = PayuProvider([SALT])
    provider.verify(request)
    with pytest.raises(PayloadError):
        provider.read_event(request)
