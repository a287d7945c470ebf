"""``/v1/stream`` end to end: real uvicorn, websockets clients, RabbitMQ and Postgres."""

from __future__ import annotations

import httpx
import pytest
from common.ids import new_session_id

pytestmark = pytest.mark.integration

PAYMENT_DATA = {
    "merchant_name": "Acme Tools",
    "previous_status": "pending",
    "amount": 49900,
    "currency": "INR",
    "amount_refunded": 0,
    "provider": "razorpay",
    "customer": {"name": "Asha", "email": "customer@example.com"},
    "product": "Pro plan",
    "description": None,
    "reference": None,
    "occurred_at": "2026-01-02T03:04:05Z",
}


async def test_session_stream_receives_changes_in_order(
    start_notifier, smtp, upstreams, events, streams, stream_id
):
    """A client following a session receives payment.paid, then fulfillment.issued, with ids."""
    url = await start_notifier(smtp_port=smtp.port)
    merchant_id, _ = upstreams.add_merchant()
    session_id = new_session_id()
    token = upstreams.token(session_id, merchant_id)
    paid = events.payment(session_id, merchant_id, "paid")
    issued = events.issued(session_id, merchant_id, f"http://pay.test/v1/access/{token}")

    async with streams.open(url, session=session_id, token=token) as ws:
        await events.publish(paid)
        await events.publish(issued)
        received = await streams.receive_n(ws, 2)
        await streams.assert_silent(ws)

    assert received == [
        {
            "id": await stream_id(paid.id),
            "type": "payment.paid",
            "session_id": session_id,
            "status": "paid",
            "data": {"merchant_id": merchant_id, **PAYMENT_DATA},
        },
        {
            "id": await stream_id(issued.id),
            "type": "fulfillment.issued",
            "session_id": session_id,
            "status": "paid",
            "data": {
                "merchant_id": merchant_id,
                "merchant_name": "Acme Tools",
                "customer": {"name": "Asha", "email": "customer@example.com"},
                "product": "Pro plan",
                "amount": 49900,
                "currency": "INR",
                "invoice_id": "inv_1",
                "invoice_number": "ACME-000042",
                "api_key_id": "key_1",
                "token_expires_at": "2026-01-09T03:04:05Z",
                "occurred_at": "2026-01-02T03:04:05Z",
            },
        },
    ]
    assert int(received[0]["id"]) < int(received[1]["id"])


async def test_resume_with_last_event_id_delivers_missed_messages_once(
    start_notifier, smtp, upstreams, events, streams, stream_id
):
    """A client that reconnects with last_event_id gets what it missed, in order, once."""
    url = await start_notifier(smtp_port=smtp.port)
    merchant_id, _ = upstreams.add_merchant()
    session_id = new_session_id()
    token = upstreams.token(session_id, merchant_id)
    pending = events.payment(session_id, merchant_id, "pending", previous_status="created")
    paid = events.payment(session_id, merchant_id, "paid")
    issued = events.issued(session_id, merchant_id, "http://pay.test/v1/access/t")

    async with streams.open(url, session=session_id, token=token) as ws:
        await events.publish(pending)
        first = await streams.receive(ws)
    await events.publish(paid)
    await events.publish(issued)
    async with streams.open(url, session=session_id, token=token, last_event_id=first["id"]) as ws:
        missed = await streams.receive_n(ws, 2)
        await streams.assert_silent(ws)

    assert first["id"] == await stream_id(pending.id)
    assert [(m["id"], m["type"], m["status"]) for m in missed] == [
        (await stream_id(paid.id), "payment.paid", "paid"),
        (await stream_id(issued.id), "fulfillment.issued", "paid"),
    ]


async def test_a_session_stream_without_last_event_id_starts_with_the_history(
    start_notifier, smtp, upstreams, events, streams, stream_id, wait_until
):
    """A client that opens a session's stream after a change first gets the session's history."""
    url = await start_notifier(smtp_port=smtp.port)
    merchant_id, _ = upstreams.add_merchant()
    session_id = new_session_id()
    paid = events.payment(session_id, merchant_id, "paid")
    await events.publish(paid)
    await wait_until(lambda: stream_id(paid.id), "recorded")

    async with streams.open(
        url, session=session_id, token=upstreams.token(session_id, merchant_id)
    ) as ws:
        history = await streams.receive(ws)

    assert (history["id"], history["type"]) == (await stream_id(paid.id), "payment.paid")


async def test_two_instances_each_deliver_every_message(
    start_notifier, smtp, upstreams, events, streams, stream_id
):
    """Clients of two notifier instances all get every message, with the same ids."""
    first = await start_notifier(smtp_port=smtp.port)
    second = await start_notifier(smtp_port=smtp.port)
    merchant_id, api_key = upstreams.add_merchant()
    one, two = new_session_id(), new_session_id()
    token = upstreams.token(one, merchant_id)
    published = [
        events.payment(one, merchant_id, "pending", previous_status="created"),
        events.payment(two, merchant_id, "pending", previous_status="created"),
        events.payment(one, merchant_id, "paid"),
    ]

    async with (
        streams.open(first, session=one, token=token) as session_on_first,
        streams.open(second, session=one, token=token) as session_on_second,
        streams.open(first, api_key=api_key) as merchant_on_first,
        streams.open(second, api_key=api_key) as merchant_on_second,
    ):
        for event in published:
            await events.publish(event)
        session_views = [
            await streams.receive_n(session_on_first, 2),
            await streams.receive_n(session_on_second, 2),
        ]
        merchant_views = [
            await streams.receive_n(merchant_on_first, 3),
            await streams.receive_n(merchant_on_second, 3),
        ]

    ids = [await stream_id(event.id) for event in published]
    summary = [
        (ids[0], one, "payment.pending"),
        (ids[1], two, "payment.pending"),
        (ids[2], one, "payment.paid"),
    ]
    seen = [[(m["id"], m["session_id"], m["type"]) for m in view] for view in session_views]
    assert seen == [[summary[0], summary[2]], [summary[0], summary[2]]]
    seen = [[(m["id"], m["session_id"], m["type"]) for m in view] for view in merchant_views]
    assert seen == [summary, summary]


async def test_merchant_key_follows_all_and_only_its_sessions(
    start_notifier, smtp, upstreams, events, streams, stream_id
):
    """A merchant key streams all of that merchant's sessions and none of another's."""
    url = await start_notifier(smtp_port=smtp.port)
    merchant_id, api_key = upstreams.add_merchant()
    other_merchant, _ = upstreams.add_merchant()
    mine, theirs, also_mine = new_session_id(), new_session_id(), new_session_id()
    published = [
        events.payment(mine, merchant_id, "paid"),
        events.payment(theirs, other_merchant, "paid"),
        events.payment(also_mine, merchant_id, "failed"),
    ]

    async with streams.open(url, api_key=api_key) as ws:
        for event in published:
            await events.publish(event)
        received = await streams.receive_n(ws, 2)
        await streams.assert_silent(ws)
    async with streams.open(url, api_key=api_key, session=also_mine) as ws:
        one_session = await streams.receive(ws)

    assert [(m["id"], m["session_id"], m["status"]) for m in received] == [
        (await stream_id(published[0].id), mine, "paid"),
        (await stream_id(published[2].id), also_mine, "failed"),
    ]
    assert (one_session["session_id"], one_session["status"]) == (also_mine, "failed")


async def test_a_burst_reaches_both_instances_whole_and_in_order(
    start_notifier, smtp, upstreams, events, streams, stream_id
):
    """A burst of many batches reaches clients of two instances in publish order, once each."""
    first = await start_notifier(smtp_port=smtp.port)
    second = await start_notifier(smtp_port=smtp.port)
    merchant_id, api_key = upstreams.add_merchant()
    published = [events.payment(new_session_id(), merchant_id, "paid") for _ in range(250)]

    async with (
        streams.open(first, api_key=api_key) as on_first,
        streams.open(second, api_key=api_key) as on_second,
    ):
        for event in published:
            await events.publish(event)
        views = [
            await streams.receive_n(on_first, len(published)),
            await streams.receive_n(on_second, len(published)),
        ]
        await streams.assert_silent(on_first)
        await streams.assert_silent(on_second)

    expected = [(await stream_id(e.id), e.data["session_id"]) for e in published]
    assert [[(m["id"], m["session_id"]) for m in view] for view in views] == [expected, expected]
    assert [int(id_) for id_, _ in expected] == sorted({int(id_) for id_, _ in expected})


async def test_the_fanout_reports_its_lag_and_batch_size(
    start_notifier, smtp, upstreams, events, streams, wait_until
):
    """/metrics counts each pushed event in the lag histogram and shows the last batch size."""
    url = await start_notifier(smtp_port=smtp.port)
    merchant_id, api_key = upstreams.add_merchant()

    async with httpx.AsyncClient(base_url=url) as client:

        async def metrics() -> dict[str, float]:
            text = (await client.get("/metrics")).text
            samples = (line.split(" ") for line in text.splitlines() if line[:1] != "#")
            return {sample[0]: float(sample[1]) for sample in samples if len(sample) == 2}

        pushed_before = (await metrics())["notifier_stream_fanout_lag_seconds_count"]
        async with streams.open(url, api_key=api_key) as ws:
            await events.publish(events.payment(new_session_id(), merchant_id, "paid"))
            await streams.receive(ws)

        async def counted() -> bool:
            return (await metrics())["notifier_stream_fanout_lag_seconds_count"] > pushed_before

        await wait_until(counted, "counted")
        batch_size = (await metrics())["notifier_stream_fanout_batch_size"]

    assert batch_size >= 1
