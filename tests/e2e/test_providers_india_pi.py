"""PayU, PhonePe and Pi Network move sessions to paid, through ingress and the ledger as processes.

ingress and the ledger run once for the module, configured only through environment
variables. PayU and PhonePe v1 post their signed callbacks (``paywire trigger``'s samples);
a PhonePe v2 webhook, vouched for by a shared credential only, leaves its session pending
because no status API is configured here. Pi sends no webhooks: the test plays the app,
calling ingress's approve and complete routes, while a fake Pi Platform API (a real HTTP
server in this process) plays Pi.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from common.settings import Settings
from ledger.operations import create_merchant

from paywire.samples import SAMPLES, SampleSession
from tests.e2e.conftest import wait_for_status
from tests.e2e.system import System, running_system

pytestmark = pytest.mark.e2e

PI_API_KEY = "pi_e2e_server_key_0123456789abcdef"
PROVIDER_ENV = {
    "PAYWIRE_PAYU__KEY": "gtKFFx",
    "PAYWIRE_PAYU__SALTS": "payu_e2e_salt_0123456789,payu_e2e_old_salt",
    "PAYWIRE_PHONEPE__SALT_KEYS": "2:phonepe-e2e-salt-two,1:phonepe-e2e-salt-one",
    "PAYWIRE_PHONEPE__WEBHOOK_USERNAME": "paywire_e2e",
    "PAYWIRE_PHONEPE__WEBHOOK_PASSWORD": "e2eHooks2024",
    "PAYWIRE_PI__API_KEY": PI_API_KEY,
}


def ingress_fakes() -> ModuleType:
    """ingress's test fakes (``services/ingress/tests/fakes``), which are no installed package."""
    root = Path(__file__).resolve().parents[2] / "services" / "ingress" / "tests" / "fakes"
    spec = importlib.util.spec_from_file_location(
        "ingress_test_fakes", root / "__init__.py", submodule_search_locations=[str(root)]
    )
    if spec is None or spec.loader is None:
        raise ImportError(f"no fakes at {root}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


fakes = ingress_fakes()


def settings_from(env: dict[str, str]) -> Settings:
    """The settings a process started with ``env`` reads."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        return Settings(_env_file=None)


@dataclass
class World:
    """The running system, a merchant, the fake Pi Platform API, and the providers' settings."""

    system: System
    api_key: str
    pi: Any
    settings: Settings
    http: httpx.AsyncClient

    async def create_session(self, provider: str, amount: int, currency: str) -> str:
        response = await self.http.post(
            f"{self.system.urls['ledger']}/v1/sessions",
            headers={"Authorization": f"Bearer {self.api_key}"},
            json={
                "amount": amount,
                "currency": currency,
                "provider": provider,
                "customer": {"email": "chai@example.com"},
            },
        )
        assert response.status_code == 201, response.text
        session_id: str = response.json()["id"]
        return session_id

    async def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.http.post(f"{self.system.urls['ingress']}{path}", **kwargs)

    async def status(self, session_id: str, wanted: str) -> dict[str, Any]:
        ledger = self.system.urls["ledger"]
        return await wait_for_status(self.http, ledger, session_id, self.api_key, wanted)

    async def trigger(self, provider: str, event: str, session: SampleSession) -> httpx.Response:
        request = SAMPLES[provider][event](self.settings, session)
        return await self.post(request.path, content=request.body, headers=request.headers)


@pytest.fixture(scope="module")
async def world() -> AsyncIterator[World]:
    """ingress and ledger with PayU, PhonePe and Pi configured, and a merchant."""
    pi = fakes.FakePiPlatform(PI_API_KEY)
    async with fakes.serve(pi.app) as pi_url:
        env = PROVIDER_ENV | {"PAYWIRE_PI__API_BASE": pi_url}
        async with (
            running_system(
                services=("ingress", "ledger"), database="paywire_e2e_india_pi", extra_env=env
            ) as system,
            httpx.AsyncClient(timeout=10.0) as http,
        ):
            merchant = await create_merchant(system.database_url, "Chai Collective")
            yield World(system, merchant["api_key"], pi, settings_from(env), http)


@pytest.mark.parametrize(
    ("provider", "event"), [("payu", "success"), ("phonepe", "PAYMENT_SUCCESS")]
)
async def test_signed_callback_makes_the_session_paid(
    world: World, provider: str, event: str
) -> None:
    """A correctly signed PayU or PhonePe v1 success callback makes its INR session paid."""
    session_id = await world.create_session(provider, 49_900, "INR")
    callback = await world.trigger(provider, event, SampleSession(session_id, 49_900, "INR"))
    paid = await world.status(session_id, "paid")
    assert (callback.status_code, paid["status"], paid["amount"], paid["currency"]) == (
        200,
        "paid",
        49_900,
        "INR",
    ), world.system.log_text("ledger")[-3000:]


async def test_phonepe_v2_success_waits_for_confirmation(world: World) -> None:
    """A v2 webhook carries only the shared credential: without a status API the session is
    pending, with the reason on its timeline, and never paid on the webhook's word."""
    session_id = await world.create_session("phonepe", 49_900, "INR")
    session = SampleSession(session_id, 49_900, "INR")
    webhook = await world.trigger("phonepe", "checkout.order.completed", session)
    pending = await world.status(session_id, "pending")
    notes = [item["detail"].get("note") for item in pending["timeline"]]
    assert (webhook.status_code, pending["status"], notes[-1]) == (
        200,
        "pending",
        "success verified only by shared_secret; awaiting confirmation",
    )


async def test_pi_approve_then_complete_makes_the_session_paid(world: World) -> None:
    """Pi: approve (checked against the session), the user pays, complete with the txid:
    the session is pending after approval and paid after completion."""
    session_id = await world.create_session("pi", 31_415_926, "PI")
    payment_id = world.pi.create_payment("3.1415926", session_id)
    approved = await world.post(f"/pi/payments/{payment_id}/approve")
    pending = await world.status(session_id, "pending")
    txid = world.pi.submit_transaction(payment_id)
    completed = await world.post(f"/pi/payments/{payment_id}/complete", json={"txid": txid})
    paid = await world.status(session_id, "paid")
    assert (approved.status_code, approved.json()["status"], pending["status"]) == (
        200,
        "approved",
        "pending",
    ), world.system.log_text("ingress")[-3000:]
    assert (completed.status_code, completed.json()["status"], paid["status"], paid["amount"]) == (
        200,
        "completed",
        "paid",
        31_415_926,
    ), world.system.log_text("ledger")[-3000:]
    attempts = {attempt["provider_payment_id"] for attempt in paid["attempts"]}
    assert attempts == {payment_id, txid}
