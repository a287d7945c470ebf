"""A ledger app whose gateways call the fake provider APIs, with fast retries."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from ledger.app import create_app
from ledger.bootstrap import Ledger, bootstrap
from ledger.settings import LedgerSettings

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


@pytest.fixture(scope="session")
def checkout_settings(database_url: str, fake_provider_settings: dict[str, Any]) -> LedgerSettings:
    """Every provider API configured, 0.5 s per attempt, three attempts, 10 ms backoff."""
    return LedgerSettings(
        _env_file=None,
        database_url=database_url,
        env="test",
        session_ttl_seconds=3600,
        provider_timeout_seconds=0.5,
        provider_attempts=3,
        provider_backoff_seconds=0.01,
        **fake_provider_settings,
    )


@pytest.fixture(scope="session")
async def checkout_ledger(checkout_settings: LedgerSettings) -> AsyncIterator[Ledger]:
    """The ledger built from ``checkout_settings``."""
    built = bootstrap(checkout_settings)
    yield built
    await built.close()


@pytest.fixture(scope="session")
async def api(
    checkout_settings: LedgerSettings, checkout_ledger: Ledger
) -> AsyncIterator[httpx.AsyncClient]:
    """The merchant API of that ledger, over ASGI."""
    app = create_app(checkout_settings, checkout_ledger)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://ledger"
    ) as http:
        yield http
