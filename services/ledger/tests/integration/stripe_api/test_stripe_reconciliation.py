"""Status checks, verification and refunds against the fake Stripe API over HTTP."""

import asyncio
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from common.db import create_engine, session_factory
from ledger.bootstrap import Ledger
from ledger.handlers import on_provider_event
from ledger.reconciliation.scheduler import Scheduler

from tests.fakes import FakeStripe

from ..conftest import provider_event  # noqa: TID252 - the tests are no package
from ..snapshots import Db, paid_once, schedule_of, snapshot  # noqa: TID252

pytestmark = pytest.mark.integration

BODY = {"amount": 1000, "currency": "usd", "provider": "stripe"}
MINUTE = timedelta(minutes=1, seconds=1)


async def create(api: httpx.AsyncClient, headers: dict[str, str]) -> tuple[dict[str, Any], str]:
    """A session and its PaymentIntent's id."""
    response = await api.post("/v1/sessions", json=BODY, headers=headers)
    assert response.status_code == 201, response.text
    session: dict[str, Any] = response.json()
    return session, session["checkout"]["payment_intent_id"]


def created_at(session: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(session["created_at"])


async def test_a_missed_webhook_is_recovered_from_stripe(
    db: Db,
    api: httpx.AsyncClient,
    scheduler: Scheduler,
    stripe_api: FakeStripe,
    headers: dict[str, str],
    merchant: dict[str, str],
) -> None:
    """Stripe's PaymentIntent says succeeded: the check pays the session once."""
    session, intent = await create(api, headers)
    stripe_api.set_intent_status(intent, "succeeded")
    await scheduler.run_once(created_at(session) + MINUTE)
    await scheduler.run_once(created_at(session) + 10 * MINUTE)
    assert len(stripe_api.requests_to("GET", f"/v1/payment_intents/{intent}")) == 1
    assert await snapshot(db, session["id"]) == paid_once(
        merchant["merchant_id"], "received", "applied"
    )


async def test_a_stripe_outage_backs_off_and_recovers(
    db: Db,
    api: httpx.AsyncClient,
    scheduler: Scheduler,
    stripe_api: FakeStripe,
    headers: dict[str, str],
    merchant: dict[str, str],
) -> None:
    """A 503 from Stripe defers the check by the backoff; the next one pays."""
    session, intent = await create(api, headers)
    stripe_api.set_intent_status(intent, "succeeded")
    stripe_api.faults.fail(503, match="GET /v1/payment_intents/")
    start = created_at(session) + MINUTE
    await scheduler.run_once(start)
    backed_off = await schedule_of(db, session["id"])
    await scheduler.run_once(start + timedelta(seconds=30))
    assert (backed_off["next_check_at"], backed_off["attempt"], backed_off["failures"]) == (
        start + timedelta(seconds=30),
        0,
        1,
    )
    assert await snapshot(db, session["id"]) == paid_once(
        merchant["merchant_id"], "received", "applied"
    )


async def test_two_ledger_processes_ask_stripe_once_per_due_session(
    db: Db,
    database_url: str,
    api: httpx.AsyncClient,
    stripe_ledger: Ledger,
    stripe_api: FakeStripe,
    headers: dict[str, str],
    merchant: dict[str, str],
) -> None:
    """Two schedulers with their own connection pools run a round at once: one GET per
    PaymentIntent, one payment per session."""
    created = [await create(api, headers) for _ in range(4)]
    for _, intent in created:
        stripe_api.set_intent_status(intent, "succeeded")
    engine = create_engine(database_url)
    schedulers = [
        Scheduler(factory, stripe_ledger.gateways, stripe_ledger.reconcile)
        for factory in (stripe_ledger.sessions, session_factory(engine))
    ]
    due = max(created_at(session) for session, _ in created) + MINUTE
    try:
        await asyncio.gather(*(scheduler.run_once(due) for scheduler in schedulers))
    finally:
        await engine.dispose()
    assert [
        len(stripe_api.requests_to("GET", f"/v1/payment_intents/{intent}")) for _, intent in created
    ] == [1] * 4
    assert [await snapshot(db, session["id"]) for session, _ in created] == [
        paid_once(merchant["merchant_id"], "received", "applied")
    ] * 4


async def test_verify_reads_stripe_now(
    api: httpx.AsyncClient, stripe_api: FakeStripe, headers: dict[str, str]
) -> None:
    """The return-URL fast path asks Stripe and answers the paid session."""
    session, intent = await create(api, headers)
    stripe_api.set_intent_status(intent, "succeeded")
    response = await api.post(f"/v1/sessions/{session['id']}/verify", headers=headers)
    assert (response.status_code, response.json()["status"]) == (200, "paid")


async def test_partial_then_full_refund_through_stripe(
    db: Db,
    api: httpx.AsyncClient,
    stripe_api: FakeStripe,
    headers: dict[str, str],
    merchant: dict[str, str],
) -> None:
    """Stripe refunds synchronously: 300, then the rest, each applied once and journaled."""
    session, intent = await create(api, headers)
    stripe_api.set_intent_status(intent, "succeeded")
    paid = provider_event(
        session["id"], "payment_succeeded", f"evt_{intent}", amount=1000, currency="usd"
    )
    await on_provider_event(paid, db)
    url = f"/v1/sessions/{session['id']}/refunds"
    first = await api.post(url, json={"amount": 300}, headers=headers)
    second = await api.post(url, json={}, headers=headers)
    sent = stripe_api.requests_to("POST", "/v1/refunds")
    payable = f"merchant_payable:{merchant['merchant_id']}"
    assert [(r.body["amount"], r.headers["idempotency-key"]) for r in sent] == [
        ("300", first.json()["refund_id"]),
        ("700", second.json()["refund_id"]),
    ]
    assert [(a.status_code, a.json()["status"]) for a in (first, second)] == [
        (201, "succeeded"),
        (201, "succeeded"),
    ]
    assert await snapshot(db, session["id"]) == {
        "status": "refunded",
        "refunded": 1000,
        "pending": 0,
        "journal": [
            ("capture", "provider_clearing:stripe", 1000),
            ("capture", payable, -1000),
            ("refund", payable, 300),
            ("refund", "provider_clearing:stripe", -300),
            ("refund", payable, 700),
            ("refund", "provider_clearing:stripe", -700),
        ],
        "timeline": ["received", "applied"] + ["received", "received", "applied"] * 2,
        "outbox": ["payment.paid", "payment.partially_refunded", "payment.refunded"],
    }
