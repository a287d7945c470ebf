"""``POST /v1/sessions/{id}/refunds`` over HTTP with the in-memory gateway, and the
database's own guard on refunds."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from ledger.gateways import GatewayError
from ledger.handlers import on_provider_event
from ledger.reconciliation.scheduler import Scheduler
from ledger.tables import refunds
from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError

from ...fakes.gateway import FakeGateway  # noqa: TID252 - the tests are no package
from ..conftest import provider_event  # noqa: TID252
from ..snapshots import Db, paid_once, snapshot  # noqa: TID252
from .conftest import Paid

pytestmark = pytest.mark.integration

Api = httpx.AsyncClient


async def refund(
    api: Api, session: dict[str, Any], headers: dict[str, str], **body: Any
) -> httpx.Response:
    return await api.post(f"/v1/sessions/{session['id']}/refunds", json=body, headers=headers)


def refund_body(response: httpx.Response, **expected: Any) -> dict[str, Any]:
    """What a refund answer should be: ``expected`` over the answer's generated fields."""
    body: dict[str, Any] = response.json()
    return {
        "refund_id": body["refund_id"],
        "status": "succeeded",
        "currency": "USD",
        "provider_refund_id": f"re_{body['refund_id']}",
        "reason": None,
        "failure_reason": None,
        "created_at": body["created_at"],
    } | expected


def refunded_journal(merchant_id: str, *amounts: int) -> list[tuple[str, str, int]]:
    payable = f"merchant_payable:{merchant_id}"
    lines = [("capture", "provider_clearing:stripe", 1000), ("capture", payable, -1000)]
    for amount in amounts:
        lines += [("refund", payable, amount), ("refund", "provider_clearing:stripe", -amount)]
    return lines


async def test_a_partial_then_a_full_refund_reverse_the_capture(
    db: Db,
    api: Api,
    gateway: FakeGateway,
    paid_session: Paid,
    headers: dict[str, str],
    merchant: dict[str, str],
) -> None:
    """400 then the remaining 600: partially_refunded, then refunded; the journal nets out."""
    session = await paid_session()
    partial = await refund(api, session, headers, amount=400, reason="one item damaged")
    after_partial = await snapshot(db, session["id"])
    full = await refund(api, session, headers)
    state = await snapshot(db, session["id"])
    assert (partial.status_code, partial.json()) == (
        201,
        refund_body(partial, amount=400, reason="one item damaged"),
    )
    assert (full.status_code, full.json()) == (201, refund_body(full, amount=600))
    assert (after_partial["status"], after_partial["refunded"]) == ("partially_refunded", 400)
    assert state == {
        "status": "refunded",
        "refunded": 1000,
        "pending": 0,
        "journal": refunded_journal(merchant["merchant_id"], 400, 600),
        "timeline": ["received", "applied"] + ["received", "received", "applied"] * 2,
        "outbox": ["payment.paid", "payment.partially_refunded", "payment.refunded"],
    }
    totals: dict[str, int] = {}
    for _, account, amount in state["journal"]:
        totals[account] = totals.get(account, 0) + amount
    assert set(totals.values()) == {0}
    assert [(r.amount, r.idempotency_key) for r in gateway.refund_calls] == [
        (400, partial.json()["refund_id"]),
        (600, full.json()["refund_id"]),
    ]


async def test_a_refund_larger_than_what_remains_is_refused(
    db: Db,
    api: Api,
    gateway: FakeGateway,
    paid_session: Paid,
    headers: dict[str, str],
    merchant: dict[str, str],
) -> None:
    """More than was captured is refused before the provider is asked."""
    session = await paid_session()
    response = await refund(api, session, headers, amount=1001)
    assert (response.status_code, response.json(), gateway.refund_calls) == (
        422,
        {
            "error": {
                "code": "refund_exceeds_remaining",
                "message": "at most 1000 can still be refunded",
            }
        },
        [],
    )
    assert await snapshot(db, session["id"]) == paid_once(
        merchant["merchant_id"], "received", "applied"
    )


async def test_the_database_refuses_refunds_beyond_the_capture(db: Db, paid_session: Paid) -> None:
    """Requested plus succeeded refunds above the capture fail in the database itself,
    whichever way the rows are written."""
    session = await paid_session()

    def row(refund_id: str, amount: int, status: str) -> dict[str, Any]:
        return {
            "session_id": session["id"],
            "refund_id": refund_id,
            "amount": amount,
            "currency": "USD",
            "status": status,
        }

    async with db.begin() as conn:
        await conn.execute(insert(refunds).values(row("rfd_a", 600, "requested")))
    attempts = [
        insert(refunds).values(row("rfd_b", 401, "requested")),
        insert(refunds).values(row("re_outside", 401, "succeeded")),
        update(refunds).where(refunds.c.refund_id == "rfd_a").values(amount=1001),
    ]
    refused = []
    for statement in attempts:
        with pytest.raises(IntegrityError) as raised:
            async with db.begin() as conn:
                await conn.execute(statement)
        refused.append("sessions_requested_refunds_within_capture" in str(raised.value))
    assert refused == [True, True, True]


async def test_concurrent_refund_requests_never_exceed_the_capture(
    db: Db, api: Api, gateway: FakeGateway, paid_session: Paid, headers: dict[str, str]
) -> None:
    """Two requests of 600 against 1000 at once: one is requested, the other refused."""
    gateway.complete_refunds = False
    session = await paid_session()
    answers = await asyncio.gather(
        refund(api, session, headers, amount=600), refund(api, session, headers, amount=600)
    )
    state = await snapshot(db, session["id"])
    assert sorted(a.status_code for a in answers) == [201, 422]
    assert (state["status"], state["refunded"], state["pending"]) == ("paid", 0, 600)


async def test_the_same_idempotency_key_makes_one_refund(
    db: Db, api: Api, gateway: FakeGateway, paid_session: Paid, headers: dict[str, str]
) -> None:
    """Three requests with one key, two of them at once, make one refund at the provider."""
    session = await paid_session()
    keyed = headers | {"idempotency-key": "refund-once"}
    first, *repeats = await asyncio.gather(
        *(refund(api, session, keyed, amount=300) for _ in range(2))
    )
    repeats.append(await refund(api, session, keyed, amount=300))
    other = await refund(api, session, keyed, amount=200)
    detail = (await api.get(f"/v1/sessions/{session['id']}", headers=headers)).json()
    answers = sorted([first, *repeats], key=lambda r: r.headers.get("idempotent-replayed", ""))
    assert [(a.status_code, a.headers.get("idempotent-replayed")) for a in answers] == [
        (201, None),
        (201, "true"),
        (201, "true"),
    ]
    assert {a.json()["refund_id"] for a in answers} == {first.json()["refund_id"]}
    assert (len(gateway.refund_calls), len(detail["refunds"]), detail["amount_refunded"]) == (
        1,
        1,
        300,
    )
    assert (other.status_code, other.json()["error"]["code"]) == (409, "idempotency_key_reused")


async def test_a_requested_refund_is_completed_by_its_webhook(
    db: Db,
    api: Api,
    gateway: FakeGateway,
    paid_session: Paid,
    headers: dict[str, str],
    merchant: dict[str, str],
) -> None:
    """A refund the provider finishes later stays requested until its webhook says done."""
    gateway.complete_refunds = False
    session = await paid_session()
    response = await refund(api, session, headers, amount=400)
    requested = await snapshot(db, session["id"])
    provider_refund_id = response.json()["provider_refund_id"]
    done = provider_event(
        None,
        "refund_succeeded",
        f"evt_done_{provider_refund_id}",
        amount=400,
        currency="usd",
        refund_id=provider_refund_id,
        provider_payment_ids=(f"pay_{session['id']}",),
    )
    await on_provider_event(done, db)
    await on_provider_event(done, db)
    detail = (await api.get(f"/v1/sessions/{session['id']}", headers=headers)).json()
    assert (response.status_code, response.json()) == (
        201,
        refund_body(response, amount=400, status="requested"),
    )
    assert (requested["status"], requested["refunded"], requested["pending"]) == ("paid", 0, 400)
    assert detail["refunds"] == [
        refund_body(response, amount=400) | {"created_at": detail["refunds"][0]["created_at"]}
    ]
    assert await snapshot(db, session["id"]) == {
        "status": "partially_refunded",
        "refunded": 400,
        "pending": 0,
        "journal": refunded_journal(merchant["merchant_id"], 400),
        "timeline": ["received", "applied", "received", "received", "applied"],
        "outbox": ["payment.paid", "payment.partially_refunded"],
    }


async def test_a_refund_the_provider_reports_failed_releases_its_amount(
    db: Db,
    api: Api,
    gateway: FakeGateway,
    paid_session: Paid,
    headers: dict[str, str],
    merchant: dict[str, str],
) -> None:
    """A failure webhook marks the refund failed and frees the amount for a new refund."""
    gateway.complete_refunds = False
    session = await paid_session()
    first = (await refund(api, session, headers)).json()
    failed = provider_event(
        session["id"],
        "refund_failed",
        f"evt_failed_{first['refund_id']}",
        refund_id=first["provider_refund_id"],
        failure_reason="the card account is closed",
    )
    await on_provider_event(failed, db)
    released = await snapshot(db, session["id"])
    second = await refund(api, session, headers)
    detail = (await api.get(f"/v1/sessions/{session['id']}", headers=headers)).json()
    assert released == paid_once(merchant["merchant_id"], "received", "applied") | {
        "timeline": ["received", "applied", "received", "received", "applied"]
    }
    assert [(r["status"], r["amount"], r["failure_reason"]) for r in detail["refunds"]] == [
        ("failed", 1000, "the card account is closed"),
        ("requested", 1000, None),
    ]
    assert (second.status_code, detail["status"]) == (201, "paid")


async def test_a_refund_the_provider_refuses_fails_at_once(
    db: Db,
    api: Api,
    gateway: FakeGateway,
    paid_session: Paid,
    headers: dict[str, str],
    merchant: dict[str, str],
) -> None:
    """A refusal answers 502 with the provider's reason; nothing stays reserved."""
    gateway.refusal = GatewayError("charge_disputed", "the charge is disputed")
    session = await paid_session()
    response = await refund(api, session, headers, amount=100)
    detail = (await api.get(f"/v1/sessions/{session['id']}", headers=headers)).json()
    assert (response.status_code, response.json()) == (
        502,
        {
            "error": {
                "code": "charge_disputed",
                "message": "stripe refused: the charge is disputed",
                "details": {"provider": "stripe"},
            }
        },
    )
    assert [(r["status"], r["failure_reason"]) for r in detail["refunds"]] == [
        ("failed", "stripe refused: the charge is disputed")
    ]
    assert await snapshot(db, session["id"]) == paid_once(
        merchant["merchant_id"], "received", "applied"
    ) | {"timeline": ["received", "applied", "received", "applied"]}


async def test_a_refund_asked_during_an_outage_is_sent_again_by_the_scheduler(
    db: Db,
    api: Api,
    gateway: FakeGateway,
    scheduler: Scheduler,
    paid_session: Paid,
    headers: dict[str, str],
    merchant: dict[str, str],
) -> None:
    """The refund is kept as requested; the next check sends it with the same key."""
    session = await paid_session()
    gateway.down = True
    response = await refund(api, session, headers, amount=1000)
    gateway.down = False
    await scheduler.run_once(datetime.now(UTC) + timedelta(minutes=2))
    detail = (await api.get(f"/v1/sessions/{session['id']}", headers=headers)).json()
    refund_id = response.json()["refund_id"]
    assert (response.status_code, response.json()) == (
        201,
        refund_body(response, amount=1000, status="requested", provider_refund_id=None),
    )
    assert [r.idempotency_key for r in gateway.refund_calls] == [refund_id, refund_id]
    assert (detail["status"], [r["status"] for r in detail["refunds"]]) == (
        "refunded",
        ["succeeded"],
    )
    assert (await snapshot(db, session["id"]))["journal"] == refunded_journal(
        merchant["merchant_id"], 1000
    )


async def test_the_scheduler_asks_about_named_refunds_through_outages_and_refusals(
    db: Db,
    api: Api,
    gateway: FakeGateway,
    scheduler: Scheduler,
    paid_session: Paid,
    headers: dict[str, str],
    merchant: dict[str, str],
) -> None:
    """An outage backs the check off with the refund still requested; a refund the
    provider will not answer about does not keep the next one from completing."""
    gateway.complete_refunds = False
    session = await paid_session()
    first = (await refund(api, session, headers, amount=300)).json()
    second = (await refund(api, session, headers, amount=200)).json()
    gateway.refund_statuses[second["provider_refund_id"]] = "succeeded"
    gateway.down = True
    start = datetime.now(UTC) + timedelta(minutes=2)
    await scheduler.run_once(start)
    during = await snapshot(db, session["id"])
    gateway.down = False
    gateway.refund_status_refusals[first["provider_refund_id"]] = GatewayError(
        "resource_missing", "no such refund"
    )
    await scheduler.run_once(start + timedelta(seconds=30))
    detail = (await api.get(f"/v1/sessions/{session['id']}", headers=headers)).json()
    assert (during["status"], during["refunded"], during["pending"]) == ("paid", 0, 500)
    assert [r.provider_refund_id for r in gateway.refund_status_calls] == [
        first["provider_refund_id"],  # down: the round asks nothing more
        first["provider_refund_id"],  # refused: logged, the next one is asked
        second["provider_refund_id"],
    ]
    assert [(r["refund_id"], r["status"]) for r in detail["refunds"]] == [
        (first["refund_id"], "requested"),
        (second["refund_id"], "succeeded"),
    ]
    done = await snapshot(db, session["id"])
    assert (done["status"], done["refunded"], done["pending"]) == ("partially_refunded", 200, 300)
    assert done["journal"] == refunded_journal(merchant["merchant_id"], 200)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, (409, "refund_not_allowed", "a created session cannot be refunded")),
        (
            {"provider": "pi", "currency": "pi"},
            (
                422,
                "refund_unsupported",
                "Pi Network has no refund API: send the Pi back to the payer with an "
                "app-to-user payment from your app's wallet",
            ),
        ),
        (
            {"provider": "razorpay", "currency": "inr"},
            (422, "refund_unsupported", "paywire has no razorpay API access configured"),
        ),
    ],
    ids=["unpaid", "pi", "no-api"],
)
async def test_refunds_that_cannot_happen_are_refused(
    api: Api,
    gateway: FakeGateway,
    open_session: Paid,
    headers: dict[str, str],
    fields: dict[str, str],
    expected: tuple[int, str, str],
) -> None:
    """Unpaid sessions, providers without a refund API or without API access: refused."""
    session = await open_session(**fields)
    response = await refund(api, session, headers)
    error = response.json()["error"]
    assert (response.status_code, error["code"], error["message"]) == expected
    assert gateway.refund_calls == []
