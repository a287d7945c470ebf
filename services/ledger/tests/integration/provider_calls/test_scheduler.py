"""The scheduler against a real Postgres and the in-memory gateway: missed webhooks,
races, outages, several processes, the schedule itself and expiry."""

import asyncio
from datetime import timedelta

import pytest
from common.db import create_engine, session_factory
from ledger.handlers import on_provider_event
from ledger.reconciliation.scheduler import Scheduler

from ...fakes.gateway import FakeGateway  # noqa: TID252 - the tests are no package
from ..conftest import provider_event  # noqa: TID252
from ..snapshots import Db, paid_once, schedule_of, snapshot  # noqa: TID252
from .conftest import RECONCILE, Paid, created_at

pytestmark = pytest.mark.integration

MINUTE = timedelta(minutes=1, seconds=1)


async def test_a_missed_webhook_is_recovered_by_a_status_check(
    db: Db,
    scheduler: Scheduler,
    gateway: FakeGateway,
    open_session: Paid,
    merchant: dict[str, str],
) -> None:
    """A success no webhook reported is applied, api_confirmed, once the first check is due."""
    session = await open_session()
    gateway.answer_paid(session["id"], 1000, "USD")
    await scheduler.run_once(created_at(session) + timedelta(seconds=30))
    early = gateway.calls_for({session["id"]})
    await scheduler.run_once(created_at(session) + MINUTE)
    await scheduler.run_once(created_at(session) + 10 * MINUTE)
    assert (early, gateway.calls_for({session["id"]})) == ([], [session["id"]])
    assert await snapshot(db, session["id"]) == paid_once(
        merchant["merchant_id"], "received", "applied"
    )


@pytest.mark.parametrize("webhook_first", [True, False], ids=["webhook-first", "check-first"])
async def test_a_webhook_and_a_status_check_racing_have_one_effect(
    db: Db,
    gateway: FakeGateway,
    open_session: Paid,
    merchant: dict[str, str],
    webhook_first: bool,
) -> None:
    """A webhook landing while the provider is being asked, or just after the answer was
    applied, pays once: whichever comes second is received and ignored."""
    gateway.delay = 0.05
    scheduler = Scheduler(db, {"stripe": gateway}, RECONCILE)
    session = await open_session()
    gateway.answer_paid(session["id"], 1000, "USD")
    webhook = provider_event(
        session["id"], "payment_succeeded", f"evt_race_{session['id']}", amount=1000, currency="USD"
    )
    checking = asyncio.create_task(scheduler.run_once(created_at(session) + MINUTE))
    while session["id"] not in gateway.status_calls:  # noqa: ASYNC110 - waiting on the fake
        await asyncio.sleep(0.001)
    if webhook_first:
        await on_provider_event(webhook, db)
        await checking
    else:
        await checking
        await on_provider_event(webhook, db)
    assert await snapshot(db, session["id"]) == paid_once(
        merchant["merchant_id"], "received", "applied", "received", "ignored"
    )


async def test_the_same_answer_checked_twice_is_applied_once(
    db: Db, scheduler: Scheduler, gateway: FakeGateway, open_session: Paid, merchant: dict[str, str]
) -> None:
    """Two checks reporting the same thing share one event id: the inbox keeps one."""
    session = await open_session()
    gateway.answer_paid(session["id"], 1000, "USD")
    await asyncio.gather(
        scheduler.run_once(created_at(session) + MINUTE),
        Scheduler(db, {"stripe": gateway}, RECONCILE).run_once(created_at(session) + 7 * MINUTE),
    )
    assert await snapshot(db, session["id"]) == paid_once(
        merchant["merchant_id"], "received", "applied"
    )


async def test_a_provider_outage_backs_off_and_recovers(
    db: Db, gateway: FakeGateway, open_session: Paid, merchant: dict[str, str]
) -> None:
    """An unreachable provider is asked once a round, backs off, and the check resumes."""
    scheduler = Scheduler(db, {"stripe": gateway}, RECONCILE.model_copy(update={"concurrency": 1}))
    first, second = await open_session(), await open_session()
    gateway.answer_paid(second["id"], 1000, "USD")
    start = max(created_at(first), created_at(second)) + MINUTE
    gateway.down = True
    during = await scheduler.run_once(start)
    calls_during = len(gateway.status_calls) + len(gateway.refund_calls)
    backed_off = await schedule_of(db, second["id"])
    gateway.down = False
    asked = len(gateway.status_calls)
    await scheduler.run_once(start + timedelta(seconds=29))
    mine = {first["id"], second["id"]}
    too_early = [call for call in gateway.status_calls[asked:] if call in mine]
    await scheduler.run_once(start + timedelta(seconds=30))
    assert (during.unavailable > 1, calls_during, too_early) == (True, 1, [])
    assert backed_off == {
        "next_check_at": start + timedelta(seconds=30),
        "attempt": 0,
        "failures": 1,
        "last_error": backed_off["last_error"],
    }
    assert backed_off["last_error"] in (
        "http_503: the provider answered 503",
        "not asked: the provider was unavailable this round",
    )
    assert await schedule_of(db, second["id"]) == {
        "next_check_at": start + timedelta(seconds=30) + timedelta(minutes=5),
        "attempt": 1,
        "failures": 0,
        "last_error": None,
    }
    assert await snapshot(db, second["id"]) == paid_once(
        merchant["merchant_id"], "received", "applied"
    )


async def test_two_schedulers_check_each_due_session_once(
    db: Db, database_url: str, open_session: Paid, merchant: dict[str, str]
) -> None:
    """Two ledger processes running a round at once make one call and one payment each."""
    gateway = FakeGateway(delay=0.02)
    other_engine = create_engine(database_url)
    mine = Scheduler(db, {"stripe": gateway}, RECONCILE)
    theirs = Scheduler(session_factory(other_engine), {"stripe": gateway}, RECONCILE)
    created = [await open_session() for _ in range(6)]
    ids = {s["id"] for s in created}
    for session in created:
        gateway.answer_paid(session["id"], 1000, "USD")
    due = max(created_at(s) for s in created) + MINUTE
    try:
        await asyncio.gather(mine.run_once(due), theirs.run_once(due))
    finally:
        await other_engine.dispose()
    assert sorted(gateway.calls_for(ids)) == sorted(ids)
    assert [await snapshot(db, s["id"]) for s in created] == [
        paid_once(merchant["merchant_id"], "received", "applied")
    ] * len(created)


async def test_checks_follow_the_schedule_until_the_session_expires(
    db: Db, scheduler: Scheduler, gateway: FakeGateway, open_session: Paid
) -> None:
    """After 1 minute, then every 5 minutes, then hourly, the last check at expiry; then the
    sweeper expires the session and nothing is checked again."""
    session = await open_session()
    start = created_at(session)
    expires = start + timedelta(hours=1)
    seen = []
    at = start + timedelta(minutes=1)
    for _ in range(8):
        await scheduler.run_once(at)
        seen.append((await schedule_of(db, session["id"]))["next_check_at"])
        at = seen[-1] or at + timedelta(hours=1)
    five = timedelta(minutes=5)
    assert seen == [start + timedelta(minutes=1) + five * n for n in range(1, 6)] + [
        expires,
        None,
        None,
    ]
    assert (gateway.calls_for({session["id"]}), (await snapshot(db, session["id"]))["status"]) == (
        [session["id"]] * 7,
        "expired",
    )
