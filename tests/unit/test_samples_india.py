"""The signed samples of PayU and PhonePe verify and normalize as their names say; Pi has none."""

from __future__ import annotations

import pytest
from common.events import ProviderEventKind as Kind
from common.events import VerifiedBy
from common.settings import Settings
from ingress.providers import WebhookRequest, configured_providers

from paywire.samples import SAMPLES, SampleSession
from paywire.trigger import TriggerError, build_request

SETTINGS = Settings(
    _env_file=None,
    payu={"key": "gtKFFx", "salts": "payu_sample_salt,payu_old_salt"},
    phonepe={
        "merchant_id": "PAYWIREUAT",
        "salt_keys": "2:phonepe-sample-two,1:phonepe-sample-one",
        "webhook_username": "paywire_hooks",
        "webhook_password": "hooks2024a",
    },
)
SESSION = SampleSession("ses_01J6F0B3ZZ6A1X8G2V4E7D9M0N", 49_900, "INR")
SALT = (0, VerifiedBy.SIGNATURE)
"""The first configured salt (PayU's first salt, PhonePe's salt key 2) signs v1 samples."""
CREDENTIAL = (2, VerifiedBy.SHARED_SECRET)
"""PhonePe's webhook credential comes after its two salt keys."""
EXPECTED = {
    ("payu", "success"): (Kind.PAYMENT_SUCCEEDED, *SALT),
    ("payu", "failure"): (Kind.PAYMENT_FAILED, *SALT),
    ("payu", "pending"): (Kind.PAYMENT_PENDING, *SALT),
    ("phonepe", "PAYMENT_SUCCESS"): (Kind.PAYMENT_SUCCEEDED, *SALT),
    ("phonepe", "PAYMENT_ERROR"): (Kind.PAYMENT_FAILED, *SALT),
    ("phonepe", "PAYMENT_PENDING"): (Kind.PAYMENT_PENDING, *SALT),
    ("phonepe", "checkout.order.completed"): (Kind.PAYMENT_SUCCEEDED, *CREDENTIAL),
    ("phonepe", "checkout.order.failed"): (Kind.PAYMENT_FAILED, *CREDENTIAL),
    ("phonepe", "pg.refund.completed"): (Kind.REFUND_SUCCEEDED, *CREDENTIAL),
    ("phonepe", "pg.refund.failed"): (Kind.REFUND_FAILED, *CREDENTIAL),
}


def test_every_sample_of_these_providers_is_listed() -> None:
    """PayU and PhonePe offer exactly the samples this test states."""
    offered = {(provider, name) for provider in ("payu", "phonepe") for name in SAMPLES[provider]}
    assert offered == set(EXPECTED)


@pytest.mark.parametrize(("provider", "name"), sorted(EXPECTED))
def test_sample_verifies_and_normalizes_as_named(provider: str, name: str) -> None:
    """A sample is signed with the first configured salt key or credential, and means what
    its name says for the sample session, in paise."""
    request = SAMPLES[provider][name](SETTINGS, SESSION)
    received = WebhookRequest.of(request.body, request.headers.items())
    served = configured_providers(SETTINGS)[provider]
    matched = served.verify(received)
    event = served.read_event(received)
    assert (request.path, event.kind, matched, event.verified_by) == (
        f"/webhooks/{provider}",
        *EXPECTED[(provider, name)],
    )
    assert (event.session_ref, event.amount, event.currency) == (SESSION.id, 49_900, "INR")


@pytest.mark.parametrize(
    ("provider", "name"), [("payu", "success"), ("phonepe", "PAYMENT_SUCCESS")]
)
def test_a_session_in_another_currency_is_refused(provider: str, name: str) -> None:
    """PayU and PhonePe charge INR: a sample for a USD session is refused with the reason."""
    with pytest.raises(TriggerError, match="charges INR; the session is in USD"):
        build_request(SETTINGS, provider, name, SampleSession(SESSION.id, 4_900, "USD"))


@pytest.mark.parametrize(
    ("provider", "name"),
    [("payu", "success"), ("phonepe", "PAYMENT_SUCCESS"), ("phonepe", "checkout.order.completed")],
)
def test_an_unconfigured_provider_says_what_to_set(provider: str, name: str) -> None:
    """Without its secrets a sample names the variables to set."""
    with pytest.raises(TriggerError, match=f"PAYWIRE_{provider.upper()}__"):
        build_request(Settings(_env_file=None), provider, name, SESSION)


def test_pi_has_no_webhook_to_trigger() -> None:
    """``paywire trigger pi`` explains that Pi sends no webhooks and where its flow is."""
    with pytest.raises(TriggerError) as refused:
        build_request(SETTINGS, "pi", "payment.completed", SESSION)
    assert str(refused.value) == (
        "pi sends no webhooks: the app calls POST /pi/payments/{id}/approve"
    )
