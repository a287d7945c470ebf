"""The signed samples of the HMAC providers verify and normalize as their names say."""

from __future__ import annotations

import base64

import pytest
from common.events import ProviderEventKind as Kind
from common.settings import Settings
from ingress.providers import WebhookRequest, configured_providers

from paywire.samples import SAMPLES, SampleSession

SETTINGS = Settings(
    _env_file=None,
    razorpay={"webhook_secrets": "rzp_sample_secret"},
    coinbase={"webhook_secrets": "cb_sample_secret"},
    alchemy={"signing_keys": "whsec_alchemy_sample_key"},
    standard={"secrets": "whsec_" + base64.b64encode(b"standard sample secret").decode()},
    hmac_sources={"upi": {"secrets": "upi_sample_secret"}, "onecom": {"secrets": "oc_secret"}},
)
SESSION = "ses_01J6F0B3ZZ6A1X8G2V4E7D9M0N"
KINDS = {
    ("razorpay", "payment.authorized"): Kind.PAYMENT_PENDING,
    ("razorpay", "payment.captured"): Kind.PAYMENT_SUCCEEDED,
    ("razorpay", "payment.failed"): Kind.PAYMENT_FAILED,
    ("razorpay", "order.paid"): Kind.PAYMENT_SUCCEEDED,
    ("razorpay", "refund.processed"): Kind.REFUND_SUCCEEDED,
    ("coinbase", "charge:pending"): Kind.PAYMENT_PENDING,
    ("coinbase", "charge:confirmed"): Kind.PAYMENT_SUCCEEDED,
    ("coinbase", "charge:failed"): Kind.PAYMENT_FAILED,
    ("coinbase", "charge:resolved"): Kind.PAYMENT_SUCCEEDED,
    ("standard", "payment.succeeded"): Kind.PAYMENT_SUCCEEDED,
    ("standard", "payment.failed"): Kind.PAYMENT_FAILED,
    ("standard", "refund.succeeded"): Kind.REFUND_SUCCEEDED,
    ("upi", "SUCCESS"): Kind.PAYMENT_SUCCEEDED,
    ("upi", "PENDING"): Kind.PAYMENT_PENDING,
    ("upi", "FAILURE"): Kind.PAYMENT_FAILED,
    ("upi", "REFUNDED"): Kind.REFUND_SUCCEEDED,
    ("onecom", "paid"): Kind.PAYMENT_SUCCEEDED,
    ("onecom", "pending"): Kind.PAYMENT_PENDING,
    ("onecom", "failed"): Kind.PAYMENT_FAILED,
    ("onecom", "refunded"): Kind.REFUND_SUCCEEDED,
}
CURRENCIES = {"razorpay": "INR", "coinbase": "USD", "standard": "EUR", "upi": "INR"}


def test_every_sample_of_these_providers_is_listed() -> None:
    """Each provider here offers exactly the samples this test states."""
    offered = {
        (provider, name)
        for provider in ("razorpay", "coinbase", "standard", "upi", "onecom")
        for name in SAMPLES[provider]
    }
    assert offered == set(KINDS)


@pytest.mark.parametrize(("provider", "name"), sorted(KINDS))
def test_sample_verifies_and_normalizes_to_its_kind(provider: str, name: str) -> None:
    """A sample is signed with the configured secret and means what its name says."""
    currency = CURRENCIES.get(provider, "DKK")
    sample = SAMPLES[provider][name](SETTINGS, SampleSession(SESSION, 12345, currency))
    request = WebhookRequest.of(sample.body, sample.headers.items())
    served = configured_providers(SETTINGS)[provider]
    index = served.verify(request)
    event = served.read_event(request)
    assert (sample.path, index, event.kind, event.session_ref, event.amount, event.currency) == (
        f"/webhooks/{provider}",
        0,
        KINDS[provider, name],
        SESSION,
        12345,
        currency,
    )


@pytest.mark.parametrize(
    ("currency", "amount", "deposit"),
    [
        ("ETH", 10**18, "0xBE3F4B43DB5EB49D1F48F53443B9ABCE45DA3B79"),
        ("USDC", 49_000_000, "0x5e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f"),
    ],
)
def test_alchemy_sample_pays_the_deposit_address(currency: str, amount: int, deposit: str) -> None:
    """The ADDRESS_ACTIVITY sample transfers the exact amount to the session's address."""
    session = SampleSession(SESSION, amount, currency, deposit)
    sample = SAMPLES["alchemy"]["ADDRESS_ACTIVITY"](SETTINGS, session)
    request = WebhookRequest.of(sample.body, sample.headers.items())
    served = configured_providers(SETTINGS)["alchemy"]
    served.verify(request)
    event = served.read_event(request)
    assert (event.kind, event.provider_payment_ids, event.amount, event.currency) == (
        Kind.PAYMENT_SUCCEEDED,
        (f"address:ETH_MAINNET:{deposit.lower()}",),
        amount,
        currency,
    )


@pytest.mark.parametrize("provider", ["razorpay", "coinbase", "alchemy", "standard", "upi"])
def test_sample_without_a_configured_secret_says_which_variable(provider: str) -> None:
    """Without the provider's secret, building a sample names the variable to set."""
    builder = next(iter(SAMPLES[provider].values()))
    with pytest.raises(ValueError, match=r"PAYWIRE_\w+ is not configured"):
        builder(Settings(_env_file=None), SampleSession(SESSION, 100, "ETH"))
