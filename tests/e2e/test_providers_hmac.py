"""Signed webhooks of the HMAC providers move sessions to paid, through real processes.

ingress and the ledger run once for the module, every provider configured only through
environment variables; each test creates a session over HTTP, posts the provider's
signed success sample to ingress and waits for the ledger to say ``paid``. Alchemy
matches by deposit address, which the ledger cannot record before checkout supports
Alchemy: its transfer is kept as unmatched.
"""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import pytest
from common.settings import Settings
from ledger.operations import create_merchant
from prometheus_client.parser import text_string_to_metric_families

from paywire.samples import SAMPLES, SampleSession, SignedRequest
from tests.e2e.conftest import eventually, wait_for_status
from tests.e2e.system import System, running_system

pytestmark = pytest.mark.e2e

PROVIDER_ENV = {
    "PAYWIRE_RAZORPAY__WEBHOOK_SECRETS": "rzp_e2e_old_secret,rzp_e2e_secret_0123456789",
    "PAYWIRE_COINBASE__WEBHOOK_SECRETS": "cb_e2e_secret_0123456789",
    "PAYWIRE_ALCHEMY__SIGNING_KEYS": "whsec_alchemy_e2e_0123456789",
    "PAYWIRE_STANDARD__SECRETS": "whsec_" + base64.b64encode(b"standard e2e secret").decode(),
    "PAYWIRE_HMAC_SOURCES__UPI__SECRETS": "upi_e2e_secret_0123456789",
    "PAYWIRE_HMAC_SOURCES__ONECOM__SECRETS": "onecom_e2e_secret_0123456789",
}
SUCCESS = {
    "razorpay": ("payment.captured", 49_900, "INR"),
    "coinbase": ("charge:confirmed", 4_900, "USD"),
    "standard": ("payment.succeeded", 4_900, "EUR"),
    "upi": ("SUCCESS", 49_900, "INR"),
    "onecom": ("paid", 24_900, "DKK"),
}


@dataclass
class World:
    """The running system, one merchant, and the settings the processes were given."""

    system: System
    api_key: str
    settings: Settings
    http: httpx.AsyncClient

    async def create_session(self, provider: str, amount: int, currency: str) -> dict[str, Any]:
        response = await self.http.post(
            f"{self.system.urls['ledger']}/v1/sessions",
            headers={"Authorization": f"Bearer {self.api_key}"},
            json={
                "amount": amount,
                "currency": currency,
                "provider": provider,
                "customer": {"email": "ada@example.com"},
            },
        )
        assert response.status_code == 201, response.text
        session: dict[str, Any] = response.json()
        return session

    def sample(self, provider: str, event: str, session: SampleSession) -> SignedRequest:
        return SAMPLES[provider][event](self.settings, session)

    async def send(self, request: SignedRequest) -> httpx.Response:
        return await self.http.post(
            f"{self.system.urls['ingress']}{request.path}",
            content=request.body,
            headers=request.headers,
        )

    async def duplicates(self) -> float:
        """How many provider events the ledger has dropped as already applied."""
        metrics = await self.http.get(f"{self.system.urls['ledger']}/metrics")
        return sum(
            sample.value
            for family in text_string_to_metric_families(metrics.text)
            for sample in family.samples
            if sample.name == "ledger_provider_events_total"
            and sample.labels.get("outcome") == "duplicate"
        )

    async def session_status(self, session_id: str, status: str) -> dict[str, Any]:
        ledger = self.system.urls["ledger"]
        return await wait_for_status(self.http, ledger, session_id, self.api_key, status)


def settings_from(env: dict[str, str]) -> Settings:
    """The settings a process started with ``env`` reads."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        return Settings(_env_file=None)


@pytest.fixture(scope="module")
async def world() -> AsyncIterator[World]:
    """ingress and ledger with every HMAC provider configured, and a merchant."""
    async with (
        running_system(
            services=("ingress", "ledger"), database="paywire_e2e_hmac", extra_env=PROVIDER_ENV
        ) as system,
        httpx.AsyncClient(timeout=10.0) as http,
    ):
        merchant = await create_merchant(system.database_url, "Acme Tools")
        yield World(system, merchant["api_key"], settings_from(PROVIDER_ENV), http)


@pytest.mark.parametrize("provider", sorted(SUCCESS))
async def test_signed_success_makes_the_session_paid(world: World, provider: str) -> None:
    """The provider's signed success sample makes its session paid; a replay changes nothing."""
    event, amount, currency = SUCCESS[provider]
    session = await world.create_session(provider, amount, currency)
    sample = world.sample(provider, event, SampleSession(session["id"], amount, currency))
    webhook = await world.send(sample)
    paid = await world.session_status(session["id"], "paid")
    dropped = await world.duplicates()
    replay = await world.send(sample)

    async def replay_dropped() -> bool:
        return await world.duplicates() > dropped

    replay_seen = await eventually(replay_dropped)
    after = await world.session_status(session["id"], "paid")
    assert (webhook.status_code, paid["status"], paid["amount"], paid["currency"]) == (
        200,
        "paid",
        amount,
        currency,
    ), world.system.log_text("ledger")[-3000:]
    assert (replay.status_code, replay.json()["event_id"], replay_seen, after) == (
        200,
        webhook.json()["event_id"],
        True,
        paid,
    )


async def test_alchemy_transfer_to_an_unrecorded_address_is_kept_unmatched(world: World) -> None:
    """A verified transfer to an address no session recorded is kept and changes nothing."""
    amount, deposit = 10**16, "0x5e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f"
    session = await world.create_session("alchemy", amount, "ETH")
    sample = world.sample(
        "alchemy", "ADDRESS_ACTIVITY", SampleSession(session["id"], amount, "ETH", deposit)
    )
    webhook = await world.send(sample)
    delivery_id = json.loads(sample.body)["id"]
    dsn = world.system.database_url.replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(dsn)
    try:

        async def logged() -> bool:
            row = await connection.fetchrow(
                "SELECT 1 FROM ledger.webhook_log WHERE provider_event_id = $1", delivery_id
            )
            return row is not None

        kept = await eventually(logged)
        row = await connection.fetchrow(
            "SELECT session_id, kind, event FROM ledger.webhook_log WHERE provider_event_id = $1",
            delivery_id,
        )
    finally:
        await connection.close()
    unchanged = await world.session_status(session["id"], "created")
    assert (webhook.status_code, kept, row["session_id"], row["kind"]) == (
        200,
        True,
        None,
        "payment_succeeded",
    )
    assert (json.loads(row["event"])["provider_payment_ids"], unchanged["status"]) == (
        [f"address:ETH_MAINNET:{deposit}"],
        "created",
    )
