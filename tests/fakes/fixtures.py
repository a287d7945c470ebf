"""pytest fixtures serving each fake for a whole test session.

Import them into a ``conftest.py`` (``from tests.fakes.fixtures import stripe_api, ...``);
``fresh_fakes`` is autouse once imported: each test starts with no recorded requests and
no scripted faults (the providers' objects stay, so tests use ids of their own).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.fakes.coinbase import FakeCoinbase, fake_coinbase
from tests.fakes.razorpay import FakeRazorpay, fake_razorpay
from tests.fakes.stripe import FakeStripe, fake_stripe

__all__ = ["coinbase_api", "fake_provider_settings", "fresh_fakes", "razorpay_api", "stripe_api"]


@pytest.fixture(scope="session")
def stripe_api() -> Iterator[FakeStripe]:
    """The fake Stripe API."""
    with fake_stripe() as fake:
        yield fake


@pytest.fixture(scope="session")
def razorpay_api() -> Iterator[FakeRazorpay]:
    """The fake Razorpay API."""
    with fake_razorpay() as fake:
        yield fake


@pytest.fixture(scope="session")
def coinbase_api() -> Iterator[FakeCoinbase]:
    """The fake Coinbase Commerce API."""
    with fake_coinbase() as fake:
        yield fake


@pytest.fixture(autouse=True)
def fresh_fakes(
    stripe_api: FakeStripe, razorpay_api: FakeRazorpay, coinbase_api: FakeCoinbase
) -> None:
    """Forget the previous test's requests and faults."""
    for fake in (stripe_api, razorpay_api, coinbase_api):
        fake.reset()


@pytest.fixture(scope="session")
def fake_provider_settings(
    stripe_api: FakeStripe, razorpay_api: FakeRazorpay, coinbase_api: FakeCoinbase
) -> dict[str, Any]:
    """Settings values pointing Stripe, Razorpay and Coinbase at the fakes, with their keys:
    ``Settings(**fake_provider_settings, ...)``."""
    return {
        "stripe": {"api_key": stripe_api.api_key, "api_base": stripe_api.url},
        "razorpay": {
            "key_id": razorpay_api.key_id,
            "key_secret": razorpay_api.key_secret,
            "api_base": razorpay_api.url,
        },
        "coinbase": {"api_key": coinbase_api.api_key, "api_base": coinbase_api.url},
    }
