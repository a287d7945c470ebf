"""Fixtures shared by the unit and integration tests of ingress."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from common.settings import Settings, StripeSettings

FIXTURES = Path(__file__).parent / "fixtures"
STRIPE_SECRET = "whsec_ingress_tests_0123456789abcdef"

StripeSigner = Callable[..., dict[str, str]]


@pytest.fixture(scope="session")
def stripe_secret() -> str:
    """The Stripe webhook secret the test apps are configured with."""
    return STRIPE_SECRET


@pytest.fixture(scope="session")
def stripe_fixture() -> Callable[[str], bytes]:
    """Loads a recorded Stripe event by its type, byte for byte."""

    def load(event_type: str) -> bytes:
        return (FIXTURES / "stripe" / f"{event_type}.json").read_bytes()

    return load


@pytest.fixture(scope="session")
def sign_stripe() -> StripeSigner:
    """Signs a body the way Stripe does; returns the request headers."""

    def sign(
        body: bytes, secret: str = STRIPE_SECRET, timestamp: int | None = None
    ) -> dict[str, str]:
        t = int(time.time()) if timestamp is None else timestamp
        mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
        return {"Stripe-Signature": f"t={t},v1={mac}", "Content-Type": "application/json"}

    return sign


@pytest.fixture(scope="session")
def make_settings() -> Callable[..., Settings]:
    """Settings with the Stripe test secret, ignoring any ``.env`` file."""

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {"stripe": StripeSettings(webhook_secrets=[STRIPE_SECRET])}
        values.update(overrides)
        return Settings(_env_file=None, **values)

    return make
