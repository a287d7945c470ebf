"""The ledger's gateways pointed at the fake provider APIs, retrying without waiting."""

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from common.settings import Settings
from ingress.providers.http import HttpPolicy, RetryPolicy
from ledger.gateways import Gateway, configured_gateways

from tests.fakes.fixtures import (
    coinbase_api,
    fake_provider_settings,
    fresh_fakes,
    razorpay_api,
    stripe_api,
)

__all__ = [
    "coinbase_api",
    "fake_provider_settings",
    "fresh_fakes",
    "razorpay_api",
    "stripe_api",
]

POLICY = HttpPolicy(timeout=0.5, retry=RetryPolicy(attempts=3, base_delay=0.0))

GatewaysFor = Callable[..., dict[str, Gateway]]


@pytest.fixture
async def gateways_for(
    fake_provider_settings: dict[str, Any],
) -> AsyncIterator[GatewaysFor]:
    """Builds the configured gateways from the fakes' settings with ``overrides`` on top."""
    async with httpx.AsyncClient() as http:

        def make(**overrides: Any) -> dict[str, Gateway]:
            values = {
                name: fake_provider_settings[name] | overrides.get(name, {})
                for name in fake_provider_settings
            }
            return configured_gateways(Settings(_env_file=None, **values), http, POLICY)

        yield make


@pytest.fixture
def gateways(gateways_for: GatewaysFor) -> dict[str, Gateway]:
    """Stripe, Razorpay and Coinbase gateways with the right credentials."""
    return gateways_for()
