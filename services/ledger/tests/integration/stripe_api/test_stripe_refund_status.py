"""Refunds whose webhook never comes, completed or released by the scheduler asking
Stripe's ``GET /v1/refunds/{id}``; a webhook and a check of the same refund, one effect."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from ledger.handlers import on_provider_event
from ledger.reconciliation.scheduler import Scheduler

from tests.fakes import FakeStripe

from ..conftest import provider_event  # noqa: TID252 - the tests are no package
from ..snapshots import Db, snapshot  # noqa: TID252

pytestmark = pytest.mark.integration

BODY = {"amount": 1000, "currency": "usd", "provider": "stripe"}
LATER = timedelta(minutes=2)


def journal(merchant_id: str, *refunded: int) -> list[tuple[str, str, int]]:
    payable = f"merchant_payable:{merchant_id}"
    lines = [("capture", "provider_clearing:stripe", 1000), ("capture", payable, -1000)]
    for amount in refunded:
        lines += [("refund", payable, amount), ("refund", "provider_clearing:stripe", -amount)]
    return lines


@pytest.fixture
def pending_refunds(stripe_api: FakeStripe, monkeypatch: pytest.MonkeyPatch) -> FakeStripe:
    """Stripe answers new refunds ``pending`` (their webhook would finish them)."""
    monkeypatch.setattr(stripe_api, "refund_status", "pending")
    return stripe_api


async def paid_with_refund(
    db: Db, api: httpx.AsyncClient, stripe: FakeStripe, headers: dict[str, str], amount: int
) -> tuple[dict[str, Any], dict[str, Any], str]:
    """A paid Stripe session, a pending refund of ``amount`` and its PaymentIntent."""
    response = await api.post("/v1/sessions", json=BODY, headers=headers)
    assert response.status_code == 201, response.text
    session: dict[str, Any] = response.json()
    intent = session["checkout"]["payment_intent_id"]
    stripe.set_intent_status(intent, "succeeded")
    paid = provider_event(
        session["id"], "payment_succeeded", f"evt_paid_{intent}", amount=1000, currency="usd"
    )
    await on_provider_event(paid, db)
    refund = await api.post(
        f"/v1/sessions/{session['id']}/refunds", json={"amount": amount}, headers=headers
    )
    assert refund.status_code == 201, refund.text
    assert refund.json()["status"] == "requested"
    return session, refund.json(), intent


async def refunds_of(api: httpx.AsyncClient, session_id: str, headers: dict[str, str]) -> Any:
    detail = (await api.get(f"/v1/sessions/{session_id}", headers=headers)).json()
    return [(r["status"], r["amount"], r["failure_reason"]) for r in detail["refunds"]]


async def test_a_refund_whose_webhook_never_comes_is_completed_by_the_scheduler(
    db: Db,
    api: httpx.AsyncClient,
    scheduler: Scheduler,
    pending_refunds: FakeStripe,
    headers: dict[str, str],
    merchant: dict[str, str],
) -> None:
    """Pending at the first check (nothing changes), succeeded at the next: refunded once."""
    session, refund, _ = await paid_with_refund(db, api, pending_refunds, headers, 1000)
    provider_refund_id = refund["provider_refund_id"]
    start = datetime.now(UTC) + LATER
    await scheduler.run_once(start)
    still = await snapshot(db, session["id"])
    pending_refunds.set_refund_status(provider_refund_id, "succeeded")
    await scheduler.run_once(start + timedelta(minutes=6))
    await scheduler.run_once(start + timedelta(minutes=12))
    done = await snapshot(db, session["id"])
    assert (still["status"], still["refunded"], still["pending"]) == ("paid", 0, 1000)
    assert len(pending_refunds.requests_to("GET", f"/v1/refunds/{provider_refund_id}")) == 2
    assert (done["status"], done["refunded"], done["pending"]) == ("refunded", 1000, 0)
    assert done["journal"] == journal(merchant["merchant_id"], 1000)
    assert done["outbox"] == ["payment.paid", "payment.refunded"]
    assert await refunds_of(api, session["id"], headers) == [("succeeded", 1000, None)]


async def test_a_refund_stripe_reports_failed_is_released(
    db: Db,
    api: httpx.AsyncClient,
    scheduler: Scheduler,
    pending_refunds: FakeStripe,
    headers: dict[str, str],
    merchant: dict[str, str],
) -> None:
    """A failed refund is marked failed with Stripe's reason; its amount is free again."""
    session, refund, _ = await paid_with_refund(db, api, pending_refunds, headers, 400)
    pending_refunds.set_refund_status(
        refund["provider_refund_id"], "failed", failure_reason="expired_or_canceled_card"
    )
    await scheduler.run_once(datetime.now(UTC) + LATER)
    released = await snapshot(db, session["id"])
    assert (released["status"], released["refunded"], released["pending"]) == ("paid", 0, 0)
    assert released["journal"] == journal(merchant["merchant_id"])
    assert await refunds_of(api, session["id"], headers) == [
        ("failed", 400, "expired_or_canceled_card")
    ]


@pytest.mark.parametrize("webhook_first", [True, False])
async def test_a_webhook_and_a_check_of_the_same_refund_have_one_effect(
    db: Db,
    api: httpx.AsyncClient,
    scheduler: Scheduler,
    pending_refunds: FakeStripe,
    headers: dict[str, str],
    merchant: dict[str, str],
    webhook_first: bool,
) -> None:
    """Stripe's ``charge.refunded`` and the status check both report the refund of 400;
    in either order the session is refunded once."""
    session, refund, intent = await paid_with_refund(db, api, pending_refunds, headers, 400)
    provider_refund_id = refund["provider_refund_id"]
    pending_refunds.set_refund_status(provider_refund_id, "succeeded")
    webhook = provider_event(
        session["id"],
        "refund_succeeded",
        f"evt_refunded_{provider_refund_id}",
        refunded_total=400,
        currency="usd",
        provider_payment_ids=(intent,),
    )
    due = datetime.now(UTC) + LATER
    if webhook_first:
        await on_provider_event(webhook, db)
        await scheduler.run_once(due)
    else:
        await scheduler.run_once(due)
        await on_provider_event(webhook, db)
    done = await snapshot(db, session["id"])
    assert (done["status"], done["refunded"], done["pending"]) == ("partially_refunded", 400, 0)
    assert done["journal"] == journal(merchant["merchant_id"], 400)
    assert done["outbox"] == ["payment.paid", "payment.partially_refunded"]
    assert await refunds_of(api, session["id"], headers) == [("succeeded", 400, None)]
