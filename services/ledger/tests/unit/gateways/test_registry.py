"""Which gateways exist: exactly the providers whose API credentials are configured."""

from typing import Any

import httpx
import pytest
from common.settings import Settings
from ledger.gateways import configured_gateways
from ledger.gateways.coinbase import CoinbaseGateway
from ledger.gateways.razorpay import RazorpayGateway
from ledger.gateways.stripe import StripeGateway


@pytest.mark.parametrize(
    ("configured", "expected"),
    [
        ({}, {}),
        ({"stripe": {"webhook_secrets": "whsec_only_webhooks"}}, {}),
        ({"stripe": {"api_key": "sk_test_1"}}, {"stripe": StripeGateway}),
        ({"razorpay": {"key_id": "rzp_test_1"}}, {}),
        ({"razorpay": {"key_id": "rzp_test_1", "key_secret": "s"}}, {"razorpay": RazorpayGateway}),
        (
            {"stripe": {"api_key": "sk_test_1"}, "coinbase": {"api_key": "cc"}},
            {"stripe": StripeGateway, "coinbase": CoinbaseGateway},
        ),
    ],
)
async def test_a_provider_is_present_only_with_its_api_credentials(
    configured: dict[str, Any], expected: dict[str, type]
) -> None:
    """Webhook secrets alone, or half a key pair, configure no gateway."""
    async with httpx.AsyncClient() as http:
        gateways = configured_gateways(Settings(_env_file=None, **configured), http)
    assert {name: type(gateway) for name, gateway in gateways.items()} == expected
