"""Settings that let the ledger create checkouts without a provider API: UPI's payee and
Alchemy's pool of deposit addresses."""

import pytest
from common.provider_settings import DepositAddress
from common.settings import Settings
from pydantic import ValidationError


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No PAYWIRE_ variable from the developer's shell leaks into a test."""
    import os

    for name in list(os.environ):
        if name.startswith("PAYWIRE_"):
            monkeypatch.delenv(name)


def test_deposit_addresses_are_network_address_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    """``network:0xaddress`` entries, comma-separated, become the pool, lower-cased."""
    monkeypatch.setenv(
        "PAYWIRE_ALCHEMY__DEPOSIT_ADDRESSES",
        "ETH_MAINNET:0xBE3F0000000000000000000000000000000000A1, "
        "BASE_MAINNET:0xbe3f0000000000000000000000000000000000a2",
    )
    assert Settings(_env_file=None).alchemy.deposit_addresses == [
        DepositAddress("ETH_MAINNET", "0xbe3f0000000000000000000000000000000000a1"),
        DepositAddress("BASE_MAINNET", "0xbe3f0000000000000000000000000000000000a2"),
    ]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("0xbe3f0000000000000000000000000000000000a1", "is not network:0xaddress"),
        ("ETH_MAINNET:0xbe3f", "is not network:0xaddress"),
        ("eth:0xbe3f0000000000000000000000000000000000a1", "is not network:0xaddress"),
        (
            "ETH_MAINNET:0xBE3F0000000000000000000000000000000000A1,"
            "ETH_MAINNET:0xbe3f0000000000000000000000000000000000a1",
            "listed twice",
        ),
    ],
    ids=["no-network", "short-address", "lower-case-network", "twice"],
)
def test_a_malformed_pool_is_refused_at_start(
    monkeypatch: pytest.MonkeyPatch, value: str, problem: str
) -> None:
    """A pool entry without a network, a short address or a repeat stops the process."""
    monkeypatch.setenv("PAYWIRE_ALCHEMY__DEPOSIT_ADDRESSES", value)
    with pytest.raises(ValidationError, match=problem):
        Settings(_env_file=None)


def test_the_upi_payee_is_a_vpa_and_a_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """``PAYWIRE_UPI__VPA`` and ``__PAYEE_NAME`` name who UPI payments go to."""
    monkeypatch.setenv("PAYWIRE_UPI__VPA", "books.shop@okaxis")
    monkeypatch.setenv("PAYWIRE_UPI__PAYEE_NAME", "Acme Books")
    upi = Settings(_env_file=None).upi
    assert (upi.vpa, upi.payee_name) == ("books.shop@okaxis", "Acme Books")


def test_a_vpa_without_a_handle_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """A VPA is ``name@handle``."""
    monkeypatch.setenv("PAYWIRE_UPI__VPA", "books.shop")
    with pytest.raises(ValidationError, match="vpa"):
        Settings(_env_file=None)
