"""The expiry sweeper: unpaid sessions past ``expires_at`` expire through the state machine."""

import asyncio
from datetime import timedelta

import pytest
from ledger.expiry import expire_due
from ledger.handlers import on_provider_event
from ledger.tables import timeline
from sqlalchemy import select

from ..conftest import provider_event  # noqa: TID252 - the tests are no package
from ..snapshots import Db, paid_once, snapshot  # noqa: TID252
from .conftest import Paid, created_at

pytestmark = pytest.mark.integration


def expired(*timeline_kinds: str) -> dict[str, object]:
    return {
        "status": "expired",
        "refunded": 0,
        "pending": 0,
        "journal": [],
        "timeline": list(timeline_kinds),
        "outbox": ["payment.expired"],
    }


async def test_unpaid_sessions_past_expiry_expire_and_paid_ones_stay(
    db: Db, open_session: Paid, paid_session: Paid, merchant: dict[str, str]
) -> None:
    """created and pending sessions expire with a timeline entry and payment.expired."""
    created, pending, paid = await open_session(), await open_session(), await paid_session()
    waiting = provider_event(pending["id"], "payment_pending", f"evt_wait_{pending['id']}")
    await on_provider_event(waiting, db)
    now = max(created_at(s) for s in (created, pending, paid)) + timedelta(hours=1, seconds=1)
    await expire_due(db, now, limit=10_000)
    pending_state = expired("received", "applied", "applied")
    pending_state["outbox"] = ["payment.pending", "payment.expired"]
    assert [await snapshot(db, s["id"]) for s in (created, pending, paid)] == [
        expired("applied"),
        pending_state,
        paid_once(merchant["merchant_id"], "received", "applied"),
    ]
    async with db() as conn:
        detail = await conn.scalar(
            select(timeline.c.detail).where(timeline.c.session_id == created["id"])
        )
    assert detail == {
        "trigger": "expired",
        "from": "created",
        "to": "expired",
        "note": "the session expired unpaid",
        "expires_at": (created_at(created) + timedelta(hours=1)).isoformat(),
    }


async def test_a_session_not_yet_due_is_left_alone(db: Db, open_session: Paid) -> None:
    """A session before its expires_at is not swept."""
    session = await open_session()
    await expire_due(db, created_at(session) + timedelta(minutes=59), limit=10_000)
    assert (await snapshot(db, session["id"]))["status"] == "created"


async def test_concurrent_sweeps_expire_each_session_once(db: Db, open_session: Paid) -> None:
    """Two sweepers at once: one timeline entry and one payment.expired per session."""
    sessions = [await open_session() for _ in range(4)]
    now = max(created_at(s) for s in sessions) + timedelta(hours=2)
    await asyncio.gather(expire_due(db, now, 10_000), expire_due(db, now, 10_000))
    assert [await snapshot(db, s["id"]) for s in sessions] == [expired("applied")] * 4
