"""Daily analytics per currency: paid, failed and refunded, for one merchant only."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from common.events import CloudEvent
from ledger.handlers import on_provider_event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .conftest import SessionMaker

pytestmark = pytest.mark.integration


async def test_a_day_of_payments_adds_up_per_currency(
    db: async_sessionmaker[AsyncSession],
    client: httpx.AsyncClient,
    merchant: dict[str, str],
    new_session: SessionMaker,
    make_event: Callable[..., CloudEvent],
) -> None:
    """Paid, failed and refunded sessions of today show as today's figures per currency."""
    tag = uuid.uuid4().hex[:8]
    usd_paid = await new_session(amount=1000, currency="usd")
    usd_failed_then_paid = await new_session(amount=2500, currency="usd")
    eur_paid = await new_session(amount=500, currency="eur")
    events = [
        make_event(usd_paid["id"], "payment_succeeded", f"a{tag}", amount=1000, currency="USD"),
        make_event(usd_failed_then_paid["id"], "payment_failed", f"b{tag}"),
        make_event(
            usd_failed_then_paid["id"], "payment_succeeded", f"c{tag}", amount=2500, currency="USD"
        ),
        make_event(
            eur_paid["id"],
            "payment_succeeded",
            f"d{tag}",
            amount=500,
            currency="EUR",
            provider_payment_ids=(f"pi_{tag}",),
        ),
        make_event(
            None,
            "refund_succeeded",
            f"e{tag}",
            refunded_total=200,
            refund_id=f"re_{tag}",
            currency="eur",
            provider_payment_ids=(f"pi_{tag}",),
        ),
    ]
    for event in events:
        await on_provider_event(event, db)

    today = datetime.now(UTC).date()
    answer = await client.get(
        "/v1/analytics/daily",
        params={"from": str(today - timedelta(days=1)), "to": str(today)},
        headers={"authorization": merchant["authorization"]},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "from": str(today - timedelta(days=1)),
        "to": str(today),
        "data": [
            {
                "date": str(today),
                "currency": "EUR",
                "paid_count": 1,
                "paid_amount": 500,
                "failed_count": 0,
                "refunded_amount": 200,
            },
            {
                "date": str(today),
                "currency": "USD",
                "paid_count": 2,
                "paid_amount": 3500,
                "failed_count": 1,
                "refunded_amount": 0,
            },
        ],
    }


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"from": "2026-02-01", "to": "2026-01-01"}, "invalid_range"),
        ({"from": "2024-01-01", "to": "2026-01-01"}, "range_too_long"),
        ({"from": "yesterday"}, "invalid_request"),
    ],
)
async def test_bad_ranges_are_refused(
    client: httpx.AsyncClient, merchant: dict[str, str], params: dict[str, str], code: str
) -> None:
    """A reversed, too long or unparseable range answers 422 with a clear code."""
    answer = await client.get(
        "/v1/analytics/daily", params=params, headers={"authorization": merchant["authorization"]}
    )
    assert (answer.status_code, answer.json()["error"]["code"]) == (422, code)


async def test_analytics_needs_a_merchant_key(client: httpx.AsyncClient) -> None:
    """Without a key the figures are not shown."""
    answer = await client.get("/v1/analytics/daily")
    assert answer.status_code == 401
