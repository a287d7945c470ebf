"""A ledger whose Stripe gateway is the in-memory ``FakeGateway``, its scheduler, and
sessions made through its API."""

import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from typing import Any

import httpx
import pytest
from ledger.app import create_app
from ledger.bootstrap import Ledger
from ledger.handlers import on_provider_event
from ledger.reconciliation.scheduler import Scheduler
from ledger.reconciliation.settings import ReconcileSettings
from ledger.settings import LedgerSettings

from ...fakes.gateway import FakeGateway  # noqa: TID252 - the tests are no package
from ..conftest import provider_event  # noqa: TID252
from ..snapshots import Db  # noqa: TID252

Paid = Callable[..., Awaitable[dict[str, Any]]]

# Every open session in the shared test database is due in these rounds; a big batch
# keeps other tests' sessions from crowding this test's out.
RECONCILE = ReconcileSettings(batch_size=10_000)


@pytest.fixture
def gateway() -> FakeGateway:
    return FakeGateway()


@pytest.fixture
def gated_ledger(ledger: Ledger, gateway: FakeGateway) -> Ledger:
    """The test ledger with the fake as its only gateway."""
    return dataclasses.replace(ledger, gateways={"stripe": gateway}, reconcile=RECONCILE)


@pytest.fixture
async def api(settings: LedgerSettings, gated_ledger: Ledger) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, gated_ledger)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://ledger"
    ) as http:
        yield http


@pytest.fixture
def scheduler(db: Db, gateway: FakeGateway) -> Scheduler:
    return Scheduler(db, {"stripe": gateway}, RECONCILE)


@pytest.fixture
def headers(merchant: dict[str, str]) -> dict[str, str]:
    return {"authorization": merchant["authorization"]}


@pytest.fixture
def open_session(api: httpx.AsyncClient, headers: dict[str, str]) -> Paid:
    """Create a 10.00 USD Stripe session through the API."""

    async def make(**fields: Any) -> dict[str, Any]:
        body = {"amount": 1000, "currency": "usd", "provider": "stripe"} | fields
        response = await api.post("/v1/sessions", json=body, headers=headers)
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    return make


@pytest.fixture
def paid_session(db: Db, open_session: Paid) -> Paid:
    """Create a session and pay it with a signed webhook."""

    async def make(**fields: Any) -> dict[str, Any]:
        session = await open_session(**fields)
        paid = provider_event(
            session["id"],
            "payment_succeeded",
            f"evt_paid_{session['id']}",
            amount=session["amount"],
            currency=session["currency"],
            provider_payment_ids=(f"pay_{session['id']}",),
        )
        await on_provider_event(paid, db)
        return session

    return make


def created_at(session: dict[str, Any]) -> datetime:
    """When the API created ``session``."""
    return datetime.fromisoformat(session["created_at"])
