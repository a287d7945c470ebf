import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from common.events import CloudEvent
from fulfillment.bootstrap import Services
from fulfillment.tables import access_tokens, api_keys, invoices, messaging
from sqlalchemy import func, select

pytestmark = pytest.mark.integration

Handle = Callable[[CloudEvent], Awaitable[None]]


async def counts(services: Services, session_id: str) -> dict[str, int]:
    """How many invoices, keys, tokens and issued events a session has."""
    tables = {"invoices": invoices, "api_keys": api_keys, "access_tokens": access_tokens}
    async with services.uow() as session:
        found = {
            name: (
                await session.execute(
                    select(func.count()).select_from(table).where(table.c.session_id == session_id)
                )
            ).scalar_one()
            for name, table in tables.items()
        }
        found["issued_events"] = (
            await session.execute(
                select(func.count())
                .select_from(messaging.outbox)
                .where(
                    messaging.outbox.c.routing_key == "fulfillment.issued",
                    messaging.outbox.c.body["subject"].astext == session_id,
                )
            )
        ).scalar_one()
    return found


async def test_concurrent_paid_events_get_gapless_invoice_numbers(
    services: Services, handle: Handle, merchant: Any, payment_event: Any
) -> None:
    """Thirty sessions paid at once for one merchant are numbered 1 to 30 exactly."""
    events = [payment_event(merchant[0]) for _ in range(30)]
    await asyncio.gather(*(handle(event) for event in events))
    async with services.uow() as session:
        numbers = (
            await session.execute(
                select(invoices.c.number).where(invoices.c.merchant_id == merchant[0].id)
            )
        ).scalars()
        year = (await session.execute(select(func.extract("year", func.now())))).scalar_one()
    assert sorted(numbers) == [f"ACME-{int(year)}-{n:06d}" for n in range(1, 31)]


async def test_a_paid_event_delivered_twenty_times_at_once_issues_once(
    services: Services, handle: Handle, merchant: Any, payment_event: Any
) -> None:
    """A redelivered paid event issues one invoice, one key, one token and one event."""
    event = payment_event(merchant[0])
    await asyncio.gather(*(handle(event) for _ in range(20)))
    assert await counts(services, event.data["session_id"]) == {
        "invoices": 1,
        "api_keys": 1,
        "access_tokens": 1,
        "issued_events": 1,
    }


async def test_a_second_paid_event_for_a_session_issues_nothing_more(
    services: Services, handle: Handle, merchant: Any, payment_event: Any
) -> None:
    """A session paid again (a dispute won) keeps its one invoice, key and token."""
    first = payment_event(merchant[0])
    again = payment_event(merchant[0], session_id=first.data["session_id"])
    await asyncio.gather(handle(first), handle(again))
    assert await counts(services, first.data["session_id"]) == {
        "invoices": 1,
        "api_keys": 1,
        "access_tokens": 1,
        "issued_events": 1,
    }


async def test_a_refund_handled_before_its_paid_event_leaves_nothing_live(
    services: Services, handle: Handle, merchant: Any, payment_event: Any
) -> None:
    """A refund that overtakes the paid event means nothing is issued for the session."""
    paid = payment_event(merchant[0])
    refunded = payment_event(merchant[0], status="refunded", session_id=paid.data["session_id"])
    await handle(refunded)
    await handle(paid)
    assert await counts(services, paid.data["session_id"]) == {
        "invoices": 0,
        "api_keys": 0,
        "access_tokens": 0,
        "issued_events": 0,
    }


async def test_the_issued_event_describes_the_fulfillment(
    services: Services, handle: Handle, merchant: Any, payment_event: Any, outbox: Any
) -> None:
    """fulfillment.issued carries the invoice, the key id and the access link, not the key."""
    event = payment_event(merchant[0])
    await handle(event)
    body = await outbox("issued", event.data["session_id"])
    assert body is not None
    data = body["data"]
    token = data["access_url"].removeprefix("http://fulfillment.test/v1/access/")
    assert {k: v for k, v in body.items() if k not in {"id", "time", "data"}} == {
        "specversion": "1.0",
        "source": "paywire/fulfillment",
        "type": "paywire.fulfillment.issued",
        "subject": event.data["session_id"],
        "datacontenttype": "application/json",
        "correlationid": event.id,
        "dataschemaversion": 1,
    }
    assert {k: v for k, v in data.items() if k not in {"token_expires_at", "occurred_at"}} == {
        "session_id": event.data["session_id"],
        "merchant_id": merchant[0].id,
        "merchant_name": "Acme Tools",
        "customer": {"id": "cus_42", "email": "asha@example.com", "name": "Asha Rao"},
        "product": "Pro plan",
        "amount": 49900,
        "currency": "INR",
        "invoice_id": data["invoice_id"],
        "invoice_number": data["invoice_number"],
        "api_key_id": data["api_key_id"],
        "access_url": f"http://fulfillment.test/v1/access/{token}",
    }
    assert ("pwk_" in str(body), token.count(".")) == (False, 2)


async def test_a_refund_racing_its_paid_event_leaves_no_live_key(
    services: Services, handle: Handle, merchant: Any, payment_event: Any
) -> None:
    """Paid and refunded handled at the same moment never leave an unrevoked key."""
    pairs = []
    for _ in range(10):
        paid = payment_event(merchant[0])
        pairs.append(
            (
                paid,
                payment_event(merchant[0], status="refunded", session_id=paid.data["session_id"]),
            )
        )
    await asyncio.gather(*(handle(event) for pair in pairs for event in pair))
    sessions = [paid.data["session_id"] for paid, _ in pairs]
    async with services.uow() as session:
        live = (
            await session.execute(
                select(func.count())
                .select_from(api_keys)
                .where(api_keys.c.session_id.in_(sessions), api_keys.c.revoked_at.is_(None))
            )
        ).scalar_one()
    assert live == 0
