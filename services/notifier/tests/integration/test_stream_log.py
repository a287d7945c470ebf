"""Recording batches in the stream log: real Postgres."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from common.db import create_engine
from common.ids import new_event_id, new_id, new_session_id
from notifier.ws.messages import StreamEntry
from notifier.ws.scope import StreamScope
from notifier.ws.stream_log import StreamLog

pytestmark = pytest.mark.integration


@pytest.fixture
async def stream_log(database_url: str) -> AsyncIterator[StreamLog]:
    engine = create_engine(database_url)
    yield StreamLog(engine)
    await engine.dispose()


def _entry(session_id: str, merchant_id: str, type_: str, status: str | None) -> StreamEntry:
    return StreamEntry(new_event_id(), type_, session_id, merchant_id, status, {"n": type_})


async def test_a_batch_is_recorded_in_order_once(stream_log):
    """A batch gets increasing ids in its order; entries already logged keep theirs."""
    merchant_id, session_id = new_id("mer"), new_session_id()
    pending = _entry(session_id, merchant_id, "payment.pending", "pending")
    paid = _entry(session_id, merchant_id, "payment.paid", "paid")
    issued = _entry(session_id, merchant_id, "fulfillment.issued", None)

    await stream_log.record([pending])
    await stream_log.record([pending, paid, pending, issued, paid])
    await stream_log.record([])
    logged = await stream_log.backlog(StreamScope(merchant_id, session_id), 0)

    assert [(m.type, m.session_id, m.merchant_id, m.status, m.data) for m in logged] == [
        ("payment.pending", session_id, merchant_id, "pending", {"n": "payment.pending"}),
        ("payment.paid", session_id, merchant_id, "paid", {"n": "payment.paid"}),
        ("fulfillment.issued", session_id, merchant_id, "paid", {"n": "fulfillment.issued"}),
    ]
    assert logged[0].id < logged[1].id < logged[2].id


async def test_an_entry_without_status_takes_the_latest_before_it(stream_log):
    """A fulfillment entry carries the status its session had just before it in the log."""
    merchant_id, session_id = new_id("mer"), new_session_id()
    batch = [
        _entry(session_id, merchant_id, "fulfillment.issued", None),
        _entry(session_id, merchant_id, "payment.paid", "paid"),
        _entry(session_id, merchant_id, "fulfillment.issued", None),
        _entry(session_id, merchant_id, "payment.refunded", "refunded"),
        _entry(session_id, merchant_id, "fulfillment.revoked", None),
    ]

    await stream_log.record(batch)
    logged = await stream_log.backlog(StreamScope(merchant_id, session_id), 0)

    assert [(m.type, m.status) for m in logged] == [
        ("fulfillment.issued", None),
        ("payment.paid", "paid"),
        ("fulfillment.issued", "paid"),
        ("payment.refunded", "refunded"),
        ("fulfillment.revoked", "refunded"),
    ]
