"""The ledger shows what fulfillment issued and revoked, learned from its events."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from common.events import CloudEvent, FulfillmentIssued, FulfillmentRevoked
from common.messaging import PermanentFailure
from ledger.fulfillments import on_fulfillment_event
from ledger.tables import fulfillments
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .conftest import SessionMaker

pytestmark = pytest.mark.integration

ISSUED_AT = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
EXPIRES_AT = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
REVOKED_AT = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def issued(session_id: str, merchant_id: str) -> CloudEvent:
    data = FulfillmentIssued(
        session_id=session_id,
        merchant_id=merchant_id,
        merchant_name="Acme Books",
        amount=1000,
        currency="USD",
        invoice_id="inv_01",
        invoice_number="ACME-2026-000001",
        api_key_id="key_01",
        access_url="https://pay.example/v1/access/secret-token",
        token_expires_at=EXPIRES_AT,
        occurred_at=ISSUED_AT,
    )
    return CloudEvent(
        id=f"evt_issued_{session_id}",
        source="paywire/fulfillment",
        type="paywire.fulfillment.issued",
        subject=session_id,
        data=data.model_dump(mode="json"),
    )


def revoked(session_id: str, merchant_id: str) -> CloudEvent:
    data = FulfillmentRevoked(
        session_id=session_id,
        merchant_id=merchant_id,
        invoice_id="inv_01",
        api_key_id="key_01",
        reason="refunded",
        occurred_at=REVOKED_AT,
    )
    return CloudEvent(
        id=f"evt_revoked_{session_id}",
        source="paywire/fulfillment",
        type="paywire.fulfillment.revoked",
        subject=session_id,
        data=data.model_dump(mode="json"),
    )


async def fulfillment_of(
    client: httpx.AsyncClient, merchant: dict[str, str], session_id: str
) -> dict[str, Any] | None:
    response = await client.get(
        f"/v1/sessions/{session_id}", headers={"authorization": merchant["authorization"]}
    )
    assert response.status_code == 200
    shown: dict[str, Any] | None = response.json()["fulfillment"]
    return shown


async def test_issued_then_revoked_shows_on_the_session(
    db: async_sessionmaker[AsyncSession],
    client: httpx.AsyncClient,
    merchant: dict[str, str],
    new_session: SessionMaker,
) -> None:
    """An issued event fills the session's fulfillment, a revocation dates it, and
    redelivering either changes nothing; the access URL is never kept."""
    session = await new_session()
    assert await fulfillment_of(client, merchant, session["id"]) is None

    for _ in range(2):
        await on_fulfillment_event(issued(session["id"], merchant["merchant_id"]), db)
    shown = {
        "invoice_id": "inv_01",
        "invoice_number": "ACME-2026-000001",
        "api_key_id": "key_01",
        "access_expires_at": "2026-11-29T10:00:00Z",
        "issued_at": "2026-11-22T10:00:00Z",
        "revoked_at": None,
        "revoked_reason": None,
    }
    assert await fulfillment_of(client, merchant, session["id"]) == shown

    for _ in range(2):
        await on_fulfillment_event(revoked(session["id"], merchant["merchant_id"]), db)
    assert await fulfillment_of(client, merchant, session["id"]) == shown | {
        "revoked_at": "2026-11-23T09:30:00Z",
        "revoked_reason": "refunded",
    }


async def test_an_event_for_an_unknown_session_changes_nothing(
    db: async_sessionmaker[AsyncSession],
) -> None:
    """Fulfillment of a session the ledger does not have is dropped, not an error."""
    await on_fulfillment_event(issued("ses_unknown", "mer_unknown"), db)
    async with db() as session:
        rows = await session.execute(
            select(fulfillments.c.session_id).where(fulfillments.c.session_id == "ses_unknown")
        )
        assert rows.all() == []


async def test_a_malformed_fulfillment_event_is_a_permanent_failure(
    db: async_sessionmaker[AsyncSession],
) -> None:
    """A fulfillment event whose data does not parse goes to the dead-letter queue."""
    event = CloudEvent(
        id="evt_bad", source="paywire/fulfillment", type="paywire.fulfillment.issued", data={}
    )
    with pytest.raises(PermanentFailure):
        await on_fulfillment_event(event, db)
