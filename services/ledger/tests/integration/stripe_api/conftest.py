"""A ledger whose gateways call the fake provider HTTP APIs (``tests/fakes``), one attempt
per call so an outage shows at once, and its scheduler."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from ledger.app import create_app
from ledger.bootstrap import Ledger, bootstrap
from ledger.reconciliation.scheduler import Scheduler
from ledger.settings import LedgerSettings

from tests.fakes.fixtures import (
    coinbase_api,
    fake_provider_settings,
    fresh_fakes,
    razorpay_api,
    stripe_api,
)

__all__ = ["coinbase_api", "fake_provider_settings", "fresh_fakes", "razorpay_api", "stripe_api"]


@pytest.fixture(scope="session")
def stripe_settings(database_url: str, fake_provider_settings: dict[str, Any]) -> LedgerSettings:
    """Every provider API configured, 0.5 s and one attempt per call; big scheduler rounds,
    one check at a time, so that the other tests' open sessions never crowd these out."""
    return LedgerSettings(
        _env_file=None,
        database_url=database_url,
        env="test",
        session_ttl_seconds=3600,
        provider_timeout_seconds=0.5,
        provider_attempts=1,
        reconcile={"batch_size": 10_000, "concurrency": 1},
        **fake_provider_settings,
    )


@pytest.fixture(scope="session")
async def stripe_ledger(stripe_settings: LedgerSettings) -> AsyncIterator[Ledger]:
    built = bootstrap(stripe_settings)
    yield built
    await built.close()


@pytest.fixture(scope="session")
async def api(
    stripe_settings: LedgerSettings, stripe_ledger: Ledger
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(stripe_settings, stripe_ledger)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://ledger"
    ) as http:
        yield http


@pytest.fixture
def scheduler(stripe_ledger: Ledger) -> Scheduler:
    return Scheduler(stripe_ledger.sessions, stripe_ledger.gateways, stripe_ledger.reconcile)


@pytest.fixture
def headers(merchant: dict[str, str]) -> dict[str, str]:
    return {"authorization": merchant["authorization"]}
