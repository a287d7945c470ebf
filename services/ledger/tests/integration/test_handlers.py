"""The provider-event handler against a real Postgres: exactly-once effects and ordering."""

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from common.events import CloudEvent
from common.messaging import PermanentFailure
from ledger.handlers import on_provider_event
from ledger.tables import journal_entries, journal_lines, messaging, sessions, timeline, webhook_log
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .conftest import SessionMaker

pytestmark = pytest.mark.integration

Db = async_sessionmaker[AsyncSession]
MakeEvent = Callable[..., CloudEvent]


async def state(db: Db, session_id: str) -> dict[str, Any]:
    """Status, journal entries, timeline kinds and outbox routing keys of one session."""
    async with db() as conn:
        status = await conn.scalar(select(sessions.c.status).where(sessions.c.id == session_id))
        entries = (
            await conn.execute(
                select(journal_entries.c.kind, journal_lines.c.account, journal_lines.c.amount)
                .join(journal_lines, journal_lines.c.entry_id == journal_entries.c.id)
                .where(journal_entries.c.session_id == session_id)
                .order_by(journal_lines.c.id)
            )
        ).all()
        kinds = await conn.scalars(
            select(timeline.c.kind)
            .where(timeline.c.session_id == session_id)
            .order_by(timeline.c.id)
        )
        keys = await conn.scalars(
            select(messaging.outbox.c.routing_key)
            .where(messaging.outbox.c.body["subject"].astext == session_id)
            .order_by(messaging.outbox.c.id)
        )
        return {
            "status": status,
            "journal": [tuple(row) for row in entries],
            "timeline": list(kinds),
            "outbox": list(keys),
        }


def paid_state(merchant_id: str, *timeline_kinds: str) -> dict[str, Any]:
    """What ``state`` shows for a session paid once, 10.00 USD through Stripe."""
    return {
        "status": "paid",
        "journal": [
            ("capture", "provider_clearing:stripe", 1000),
            ("capture", f"merchant_payable:{merchant_id}", -1000),
        ],
        "timeline": list(timeline_kinds),
        "outbox": ["payment.paid"],
    }


async def test_a_redelivered_event_has_one_effect(
    db: Db, new_session: SessionMaker, make_event: MakeEvent, merchant: dict[str, str]
) -> None:
    """A replayed webhook changes nothing."""
    session = await new_session()
    event = make_event(session["id"], "payment_succeeded", "evt_a1", amount=1000, currency="USD")
    await on_provider_event(event, db)
    await on_provider_event(event, db)
    assert await state(db, session["id"]) == paid_state(
        merchant["merchant_id"], "received", "applied"
    )


async def test_fifty_concurrent_deliveries_make_one_transition(
    db: Db, new_session: SessionMaker, make_event: MakeEvent, merchant: dict[str, str]
) -> None:
    """Fifty simultaneous deliveries of one event give one transition and one journal entry."""
    session = await new_session()
    event = make_event(session["id"], "payment_succeeded", "evt_b1", amount=1000, currency="USD")
    await asyncio.gather(*(on_provider_event(event, db) for _ in range(50)))
    assert await state(db, session["id"]) == paid_state(
        merchant["merchant_id"], "received", "applied"
    )


@pytest.mark.parametrize(
    ("kinds", "timeline_kinds"),
    [
        (["payment_succeeded", "payment_pending"], ["received", "applied", "received", "ignored"]),
        (["payment_failed", "payment_succeeded"], ["received", "applied", "received", "applied"]),
        (["payment_succeeded", "payment_failed"], ["received", "applied", "received", "ignored"]),
    ],
    ids=["paid-before-pending", "failed-then-succeeded", "succeeded-then-failed"],
)
async def test_out_of_order_events_end_paid(
    db: Db,
    new_session: SessionMaker,
    make_event: MakeEvent,
    merchant: dict[str, str],
    kinds: list[str],
    timeline_kinds: list[str],
) -> None:
    """Whatever the order, a verified success wins and paid never goes back."""
    session = await new_session()
    for i, kind in enumerate(kinds):
        fields = {"amount": 1000, "currency": "USD"} if kind == "payment_succeeded" else {}
        await on_provider_event(
            make_event(session["id"], kind, f"evt_{session['id']}_{i}", **fields), db
        )
    expected = paid_state(merchant["merchant_id"], *timeline_kinds)
    if kinds[0] == "payment_failed":
        expected["outbox"] = ["payment.failed", "payment.paid"]
    assert await state(db, session["id"]) == expected


async def test_an_amount_mismatch_goes_to_review(
    db: Db, new_session: SessionMaker, make_event: MakeEvent, client: Any, merchant: dict[str, str]
) -> None:
    """A success for the wrong amount is held for review, posts nothing, and says why."""
    session = await new_session()
    event = make_event(session["id"], "payment_succeeded", "evt_c1", amount=900, currency="USD")
    await on_provider_event(event, db)
    detail = await client.get(
        f"/v1/sessions/{session['id']}", headers={"authorization": merchant["authorization"]}
    )
    applied = detail.json()["timeline"][1]
    assert await state(db, session["id"]) == {
        "status": "review",
        "journal": [],
        "timeline": ["received", "applied"],
        "outbox": ["payment.review"],
    }
    assert (applied["kind"], applied["event_id"], applied["detail"]) == (
        "applied",
        event.id,
        {
            "trigger": "mismatched",
            "from": "created",
            "to": "review",
            "note": "provider reported 9.00 USD, session expects 10.00 USD",
        },
    )


async def test_a_success_verified_by_a_shared_secret_stays_pending(
    db: Db, new_session: SessionMaker, make_event: MakeEvent
) -> None:
    """Only signatures and API confirmation fulfil: a shared-secret success is pending."""
    session = await new_session()
    event = make_event(
        session["id"],
        "payment_succeeded",
        "evt_s1",
        amount=1000,
        currency="USD",
        verified_by="shared_secret",
    )
    await on_provider_event(event, db)
    assert await state(db, session["id"]) == {
        "status": "pending",
        "journal": [],
        "timeline": ["received", "applied"],
        "outbox": ["payment.pending"],
    }


async def test_an_unmatched_event_is_kept_and_changes_nothing(
    db: Db, make_event: MakeEvent
) -> None:
    """An event for no known session is logged with its raw body for operators."""
    event = make_event(
        "ses_01JD00000000000000000000ZZ",
        "payment_succeeded",
        "evt_u1",
        amount=5,
        currency="USD",
        provider_payment_ids=("pi_unknown",),
    )
    await on_provider_event(event, db)
    async with db() as conn:
        logged = (
            await conn.execute(
                select(
                    webhook_log.c.session_id,
                    webhook_log.c.provider_event_id,
                    webhook_log.c.raw_body,
                ).where(webhook_log.c.event_id == event.id)
            )
        ).all()
        outbox_rows = await conn.scalar(
            select(func.count()).where(
                messaging.outbox.c.body["data"]["session_id"].astext == event.subject
            )
        )
    assert ([tuple(r) for r in logged], outbox_rows) == ([(None, "evt_u1", '{"id": "evt_u1"}')], 0)


async def test_a_recorded_provider_payment_id_matches_later_events(
    db: Db, new_session: SessionMaker, make_event: MakeEvent, client: Any, merchant: dict[str, str]
) -> None:
    """A refund that names only the payment id finds its session and is journaled."""
    session = await new_session()
    paid = make_event(
        session["id"],
        "payment_succeeded",
        "evt_p1",
        amount=1000,
        currency="USD",
        provider_payment_ids=("pi_123", "ch_123"),
    )
    refund = make_event(
        None,
        "refund_succeeded",
        "evt_p2",
        refunded_total=400,
        refund_id="re_1",
        currency="usd",
        provider_payment_ids=("ch_123",),
    )
    await on_provider_event(paid, db)
    await on_provider_event(refund, db)
    detail = (
        await client.get(
            f"/v1/sessions/{session['id']}", headers={"authorization": merchant["authorization"]}
        )
    ).json()
    payable = f"merchant_payable:{merchant['merchant_id']}"
    assert await state(db, session["id"]) == {
        "status": "partially_refunded",
        "journal": [
            ("capture", "provider_clearing:stripe", 1000),
            ("capture", payable, -1000),
            ("refund", payable, 400),
            ("refund", "provider_clearing:stripe", -400),
        ],
        "timeline": ["received", "applied", "received", "applied"],
        "outbox": ["payment.paid", "payment.partially_refunded"],
    }
    assert (
        detail["amount_refunded"],
        [(a["provider"], a["provider_payment_id"]) for a in detail["attempts"]],
        [(r["refund_id"], r["amount"], r["currency"]) for r in detail["refunds"]],
    ) == (400, [("stripe", "pi_123"), ("stripe", "ch_123")], [("re_1", 400, "USD")])


async def test_payment_paid_lands_in_the_outbox(
    db: Db, new_session: SessionMaker, make_event: MakeEvent, merchant: dict[str, str]
) -> None:
    """Paying enqueues a payment.paid CloudEvent carrying the whole session."""
    session = await new_session(customer={"email": "asha@example.org"}, reference="ord-7")
    event = make_event(session["id"], "payment_succeeded", "evt_d1", amount=1000, currency="USD")
    await on_provider_event(event, db)
    async with db() as conn:
        row = (
            await conn.execute(
                select(messaging.outbox.c.routing_key, messaging.outbox.c.body).where(
                    messaging.outbox.c.body["subject"].astext == session["id"]
                )
            )
        ).one()
    body = dict(row.body)
    body.pop("time")
    assert (row.routing_key, body) == (
        "payment.paid",
        {
            "specversion": "1.0",
            "id": body["id"],
            "source": "paywire/ledger",
            "type": "paywire.payment.paid",
            "subject": session["id"],
            "datacontenttype": "application/json",
            "correlationid": event.id,
            "dataschemaversion": 1,
            "data": {
                "session_id": session["id"],
                "merchant_id": merchant["merchant_id"],
                "merchant_name": "Acme Books",
                "status": "paid",
                "previous_status": "created",
                "amount": 1000,
                "currency": "USD",
                "amount_refunded": 0,
                "provider": "stripe",
                "customer": {"email": "asha@example.org"},
                "product": None,
                "description": None,
                "reference": "ord-7",
                "metadata": {},
                "occurred_at": event.time.isoformat().replace("+00:00", "Z"),
            },
        },
    )
    assert body["id"].startswith("evt_ledger_")


async def test_malformed_event_data_is_a_permanent_failure(db: Db) -> None:
    """Data that is not a provider event goes straight to the dead-letter queue."""
    event = CloudEvent(id="evt_bad", source="test", type="paywire.provider.x", data={"kind": "?"})
    with pytest.raises(PermanentFailure):
        await on_provider_event(event, db)
