"""Generic HMAC sources: the preconfigured upi and onecom under the provider contract, and
the configurable parts of the scheme and of the payload."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

import pytest
from common.events import ProviderEvent, RawBody, VerifiedBy
from common.events import ProviderEventKind as Kind
from common.provider_settings import HmacSourceSettings
from common.settings import Settings
from ingress.providers import (
    PROVIDERS,
    PayloadError,
    Provider,
    SignatureError,
    SignatureFailure,
    WebhookRequest,
)
from ingress.providers.hmac_source import HmacSourceProvider, hmac_source

from .contract import FIXTURES, NOW, ProviderContract, TimestampedContract

SES3 = "ses_01J6D7Y0ZW3X8T5D9S1B4A6H7J"
SES4 = "ses_01J6D8Z1ZX4Y9V6E0T2C5B7J8K"


def source(name: str, secrets: tuple[str, ...] = (), **changes: Any) -> HmacSourceSettings:
    """The preconfigured source ``name`` with ``secrets`` and ``changes``."""
    configured = Settings(_env_file=None).hmac_sources[name].model_dump()
    return HmacSourceSettings.model_validate({**configured, "secrets": secrets, **changes})


def hex_hmac(secret: str, message: bytes, digest: str = "sha256") -> str:
    return hmac.new(secret.encode(), message, digest).hexdigest()


class HmacSourceContract(ProviderContract):
    """The contract for a preconfigured source, built from its default settings."""

    def provider(self, *secrets: str, now: float = NOW) -> Provider:
        source_class = PROVIDERS[self.provider_class.name]
        assert issubclass(source_class, HmacSourceProvider)
        return source_class(source(source_class.name, secrets), clock=lambda: now)


class TestUpiContract(HmacSourceContract):
    provider_class = PROVIDERS["upi"]
    secrets = ("upi_secret_first_0123456789", "upi_secret_second_0123456789")
    fixture_kinds = {
        "SUCCESS": Kind.PAYMENT_SUCCEEDED,
        "PENDING": Kind.PAYMENT_PENDING,
        "FAILURE": Kind.PAYMENT_FAILED,
        "REFUNDED": Kind.REFUND_SUCCEEDED,
        "EXPIRED": Kind.IGNORED,
    }

    def sign(self, body: bytes, secret: str, timestamp: int) -> WebhookRequest:
        return WebhookRequest(body, {"x-upi-signature": hex_hmac(secret, body)})


class TestOnecomContract(HmacSourceContract, TimestampedContract):
    provider_class = PROVIDERS["onecom"]
    secrets = ("onecom_secret_first_0123456789", "onecom_secret_second_0123456789")
    fixture_kinds = {
        "paid": Kind.PAYMENT_SUCCEEDED,
        "pending": Kind.PAYMENT_PENDING,
        "failed": Kind.PAYMENT_FAILED,
        "refunded": Kind.REFUND_SUCCEEDED,
        "authorized": Kind.IGNORED,
    }

    def sign(self, body: bytes, secret: str, timestamp: int) -> WebhookRequest:
        signature = hex_hmac(secret, f"{timestamp}.".encode() + body)
        headers = {"x-onecom-signature": signature, "x-onecom-timestamp": str(timestamp)}
        return WebhookRequest(body, headers)


def test_source_class_is_named_after_its_source() -> None:
    """Each source's class publishes under the source's name."""
    acme = hmac_source("acme")
    assert (acme.name, acme.__name__, issubclass(acme, HmacSourceProvider)) == (
        "acme",
        "HmacSource[acme]",
        True,
    )


def sourced(configured: HmacSourceSettings, now: float = NOW) -> HmacSourceProvider:
    return hmac_source("acme")(configured, clock=lambda: now)


BODY = b'{"status": "PAID", "reference": "ses_1", "amount": 100, "currency": "EUR"}'
ACME = {"header": "X-Acme-Signature", "statuses": "PAID:succeeded"}


@pytest.mark.parametrize(
    ("changes", "signature"),
    [
        ({}, hex_hmac("s", BODY)),
        ({}, hex_hmac("s", BODY).upper()),
        ({"algorithm": "sha512"}, hex_hmac("s", BODY, "sha512")),
        (
            {"encoding": "base64"},
            base64.b64encode(hmac.new(b"s", BODY, hashlib.sha256).digest()).decode(),
        ),
        ({"signature_prefix": "sha256="}, "sha256=" + hex_hmac("s", BODY)),
    ],
    ids=["hex", "upper-case hex", "sha512", "base64", "prefixed"],
)
def test_configured_scheme_verifies(changes: dict[str, str], signature: str) -> None:
    """Digest, encoding and prefix follow the configuration."""
    configured = HmacSourceSettings.model_validate({**ACME, "secrets": "s", **changes})
    request = WebhookRequest(BODY, {"x-acme-signature": signature})
    assert sourced(configured).verify(request) == 0


def test_base64_signature_is_case_sensitive() -> None:
    """Only hex is compared without regard to case."""
    configured = HmacSourceSettings.model_validate({**ACME, "secrets": "s", "encoding": "base64"})
    mac = base64.b64encode(hmac.new(b"s", BODY, hashlib.sha256).digest()).decode()
    with pytest.raises(SignatureError) as refused:
        sourced(configured).verify(WebhookRequest(BODY, {"x-acme-signature": mac.swapcase()}))
    assert refused.value.failure is SignatureFailure.MISMATCH


def test_timestamp_and_body_are_joined_by_the_configured_separator() -> None:
    """A timestamped source signs ``<timestamp><separator><body>``."""
    configured = HmacSourceSettings.model_validate(
        {
            **ACME,
            "secrets": "s",
            "signed_content": "timestamp_body",
            "timestamp_header": "X-Acme-Time",
            "separator": "|",
        }
    )
    signature = hex_hmac("s", f"{NOW}|".encode() + BODY)
    request = WebhookRequest(BODY, {"x-acme-signature": signature, "x-acme-time": str(NOW)})
    assert sourced(configured).verify(request) == 0


ONECOM = ("onecom_secret_first_0123456789",)


@pytest.mark.parametrize(
    ("headers", "failure"),
    [
        ({"x-onecom-signature": "ab"}, SignatureFailure.MISSING),
        ({"x-onecom-timestamp": str(NOW)}, SignatureFailure.MISSING),
        ({"x-onecom-signature": "ab", "x-onecom-timestamp": "soon"}, SignatureFailure.MALFORMED),
        ({"x-onecom-signature": "ab", "x-onecom-timestamp": "-1"}, SignatureFailure.MALFORMED),
        ({"x-onecom-signature": "ab", "x-onecom-timestamp": "1" * 13}, SignatureFailure.MALFORMED),
        ({"x-onecom-signature": "ab", "x-onecom-timestamp": str(NOW)}, SignatureFailure.MISMATCH),
    ],
)
def test_malformed_onecom_headers_are_refused(
    headers: dict[str, str], failure: SignatureFailure
) -> None:
    """A missing or malformed signature or timestamp is refused, naming the failure."""
    provider = sourced(source("onecom", ONECOM))
    with pytest.raises(SignatureError) as refused:
        provider.verify(WebhookRequest(b"{}", headers))
    assert refused.value.failure is failure


def fixture(name: str, folder: str) -> bytes:
    return (FIXTURES / folder / f"{name}.json").read_bytes()


def read(configured: HmacSourceSettings, body: bytes, name: str = "acme") -> ProviderEvent:
    return hmac_source(name)(configured).read_event(WebhookRequest(body, {}))


def expected(
    source_name: str, name: str, event_id: str, kind: Kind, **fields: Any
) -> ProviderEvent:
    body = fixture(name, source_name)
    return ProviderEvent.model_validate(
        {
            "provider": source_name,
            "provider_event_id": event_id,
            "provider_event_type": name,
            "kind": kind,
            "verified_by": VerifiedBy.SIGNATURE,
            "raw": RawBody(content_type="application/json", text=body.decode()),
            **fields,
        }
    )


UPI_PAID = {"session_ref": SES3, "currency": "INR"}
EXPECTED = [
    expected(
        "upi",
        "SUCCESS",
        "upi_evt_6b1c9e2f",
        Kind.PAYMENT_SUCCEEDED,
        provider_payment_ids=("418563210987",),
        amount=49900,
        **UPI_PAID,
    ),
    expected("upi", "PENDING", "upi_evt_5a0b8d1e", Kind.PAYMENT_PENDING, amount=49900, **UPI_PAID),
    expected(
        "upi",
        "FAILURE",
        "upi_evt_7c2d0f3a",
        Kind.PAYMENT_FAILED,
        session_ref=SES4,
        provider_payment_ids=("418563219999",),
        amount=129950,
        currency="INR",
    ),
    expected(
        "upi",
        "REFUNDED",
        "upi_evt_8d3e1a4b",
        Kind.REFUND_SUCCEEDED,
        provider_payment_ids=("418563210987",),
        amount=19900,
        refund_id="upi_rfnd_2f7a9c",
        **UPI_PAID,
    ),
    expected("upi", "EXPIRED", "upi_evt_9e4f2b5c", Kind.IGNORED),
    expected(
        "onecom",
        "paid",
        "oc_evt_01HZX3K8Q2",
        Kind.PAYMENT_SUCCEEDED,
        session_ref=SES3,
        provider_payment_ids=("oc_pay_7N4M2K",),
        amount=24900,
        currency="DKK",
    ),
    expected(
        "onecom",
        "pending",
        "oc_evt_01HZX3K7P1",
        Kind.PAYMENT_PENDING,
        session_ref=SES3,
        provider_payment_ids=("oc_pay_7N4M2K",),
        amount=24900,
        currency="DKK",
    ),
    expected(
        "onecom",
        "failed",
        "oc_evt_01HZX4L9R3",
        Kind.PAYMENT_FAILED,
        session_ref=SES4,
        provider_payment_ids=("oc_pay_8P5N3L",),
        amount=9900,
        currency="DKK",
    ),
    expected(
        "onecom",
        "refunded",
        "oc_evt_01HZX5M0S4",
        Kind.REFUND_SUCCEEDED,
        session_ref=SES3,
        provider_payment_ids=("oc_pay_7N4M2K",),
        amount=4900,
        currency="DKK",
        refund_id="oc_rfnd_3Q6P4M",
    ),
    expected("onecom", "authorized", "oc_evt_01HZX3K6N0", Kind.IGNORED),
]


@pytest.mark.parametrize(
    "want", EXPECTED, ids=lambda event: f"{event.provider}-{event.provider_event_type}"
)
def test_fixture_normalizes(want: ProviderEvent) -> None:
    """A recorded payload becomes the expected ProviderEvent through the default fields."""
    body = fixture(want.provider_event_type, want.provider)
    assert read(source(want.provider), body, want.provider) == want


def acme(**changes: Any) -> HmacSourceSettings:
    return HmacSourceSettings.model_validate({**ACME, **changes})


def test_json_number_in_major_units_is_read_exactly() -> None:
    """A major-unit amount sent as a JSON number is read as a Decimal, never a float."""
    body = b'{"status": "PAID", "amount": 0.29, "currency": "EUR"}'
    event = read(acme(amount_in_major_units=True), body)
    assert (event.amount, event.currency) == (29, "EUR")


def test_without_an_event_id_field_the_body_is_the_id() -> None:
    """A source with no event id field is deduplicated on a hash of its body."""
    event = read(acme(), BODY)
    assert event.provider_event_id == "sha256:" + hashlib.sha256(BODY).hexdigest()


def test_numeric_status_and_id_are_read_as_text() -> None:
    """Integer status codes and ids match the status map as their digits."""
    body = b'{"id": 981, "state": {"code": 0}, "amount": 500, "currency": "jpy"}'
    configured = acme(event_id_field="id", status_field="state.code", statuses="0:succeeded")
    event = read(configured, body)
    assert (event.provider_event_id, event.provider_event_type, event.kind, event.amount) == (
        "981",
        "0",
        Kind.PAYMENT_SUCCEEDED,
        500,
    )


def test_unmapped_status_is_ignored_without_reading_the_amount() -> None:
    """A status outside the map is ignored, whatever the other fields hold."""
    event = read(acme(), b'{"status": "CREATED", "amount": "n/a"}')
    assert (event.kind, event.provider_event_type, event.amount) == (Kind.IGNORED, "CREATED", None)


UNUSABLE = {
    "not an object": (acme(), b"[1]"),
    "no status": (acme(), b'{"amount": 100, "currency": "EUR"}'),
    "status an object": (acme(), b'{"status": {"PAID": true}}'),
    "no configured event id": (acme(event_id_field="id"), BODY),
    "no amount": (acme(), b'{"status": "PAID", "currency": "EUR"}'),
    "no currency": (acme(), b'{"status": "PAID", "amount": 100}'),
    "minor units as text": (acme(), b'{"status": "PAID", "amount": "100", "currency": "EUR"}'),
    "minor units fractional": (acme(), b'{"status": "PAID", "amount": 1.5, "currency": "EUR"}'),
    "negative amount": (acme(), b'{"status": "PAID", "amount": -1, "currency": "EUR"}'),
    "amount true": (acme(), b'{"status": "PAID", "amount": true, "currency": "EUR"}'),
    "major amount too precise": (
        acme(amount_in_major_units=True),
        b'{"status": "PAID", "amount": "1.005", "currency": "EUR"}',
    ),
    "major amount NaN": (
        acme(amount_in_major_units=True),
        b'{"status": "PAID", "amount": NaN, "currency": "EUR"}',
    ),
    "reference an object": (
        acme(),
        b'{"status": "PAID", "reference": {}, "amount": 1, "currency": "EUR"}',
    ),
}


@pytest.mark.parametrize("case", UNUSABLE)
def test_unusable_payload_raises_payload_error(case: str) -> None:
    """A verified body the configured fields cannot read is a PayloadError."""
    configured, body = UNUSABLE[case]
    with pytest.raises(PayloadError):
        read(configured, body)
