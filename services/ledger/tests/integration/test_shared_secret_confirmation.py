"""A PhonePe v2 success (shared secret only) through the ledger's real consumer, with a fake
PhonePe Check Status API on loopback: pending until PhonePe itself confirms it."""

import asyncio
import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from common.events import CloudEvent, ProviderEvent, RawBody
from common.ids import event_id_for
from common.messaging import AmqpConnection, AmqpPublisher, QueueSpec
from common.provider_settings import PhonepeSettings
from ledger.bootstrap import Ledger, bootstrap
from ledger.settings import LedgerSettings
from ledger.tables import journal_entries, messaging, sessions, timeline
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.fakes.phonepe import FakePhonepe, fake_phonepe

from .conftest import SessionMaker

pytestmark = pytest.mark.integration

Db = async_sessionmaker[AsyncSession]
MERCHANT_ID = "PAYWIREUAT"
SALT_KEY = "phonepe-status-salt-key"
AWAITING = "success verified only by shared_secret; awaiting confirmation"


@pytest.fixture(scope="module")
def phonepe() -> Iterator[tuple[FakePhonepe, str]]:
    with fake_phonepe(MERCHANT_ID, 1, SALT_KEY) as fake:
        yield fake, fake.url


@asynccontextmanager
async def consuming(settings: LedgerSettings, queue: QueueSpec) -> AsyncIterator[Ledger]:
    """A ledger built by ``bootstrap`` consuming ``queue``."""
    ledger = bootstrap(settings, queue)
    await ledger.consumer.start()
    try:
        yield ledger
    finally:
        await ledger.consumer.stop()
        await ledger.close()


def with_status_api(settings: LedgerSettings, api_base: str) -> LedgerSettings:
    phonepe = PhonepeSettings(merchant_id=MERCHANT_ID, salt_keys={1: SALT_KEY}, api_base=api_base)
    return settings.model_copy(update={"phonepe": phonepe})


def v2_success(session_id: str, event: str = "checkout.order.completed") -> CloudEvent:
    """What ingress publishes for a PhonePe v2 order-completed webhook."""
    provider_event = ProviderEvent(
        provider="phonepe",
        provider_event_id=f"{event}:OMO{session_id[-10:]}:COMPLETED",
        provider_event_type=event,
        kind="payment_succeeded",
        verified_by="shared_secret",
        session_ref=session_id,
        provider_payment_ids=(f"OMO{session_id[-10:]}",),
        amount=49900,
        currency="INR",
        raw=RawBody(content_type="application/json", text=f'{{"event": "{event}"}}'),
    )
    return CloudEvent(
        id=event_id_for("phonepe", provider_event.provider_event_id),
        source="paywire/ingress/phonepe",
        type="paywire.provider.payment_succeeded",
        subject=session_id,
        data=provider_event.model_dump(mode="json"),
    )


async def publish(amqp: AmqpConnection, queue: QueueSpec, *events: CloudEvent) -> None:
    publisher = AmqpPublisher(amqp)
    for event in events:
        await publisher.publish(event, queue.bindings[0].replace("#", "provider"))
    await publisher.close()


async def eventually(check: Callable[[], Awaitable[bool]], seconds: float = 15.0) -> None:
    async with asyncio.timeout(seconds):
        while not await check():  # noqa: ASYNC110 - polling the database, nothing to wait on
            await asyncio.sleep(0.05)


async def history(db: Db, session_id: str) -> dict[str, Any]:
    """Status, timeline (kind and detail), capture count and outbox routing keys."""
    async with db() as conn:
        status = await conn.scalar(select(sessions.c.status).where(sessions.c.id == session_id))
        entries = (
            await conn.execute(
                select(timeline.c.kind, timeline.c.detail)
                .where(timeline.c.session_id == session_id)
                .order_by(timeline.c.id)
            )
        ).all()
        captures = await conn.scalar(
            select(func.count())
            .where(journal_entries.c.session_id == session_id)
            .where(journal_entries.c.kind == "capture")
        )
        keys = await conn.scalars(
            select(messaging.outbox.c.routing_key)
            .where(messaging.outbox.c.body["subject"].astext == session_id)
            .order_by(messaging.outbox.c.id)
        )
    return {
        "status": status,
        "timeline": [(kind, detail) for kind, detail in entries],
        "captures": captures,
        "outbox": list(keys),
    }


async def inr_session(new_session: SessionMaker) -> str:
    created = await new_session(amount=49900, currency="inr", provider="phonepe")
    session_id: str = created["id"]
    return session_id


def kinds(found: dict[str, Any]) -> list[str]:
    return [kind for kind, _ in found["timeline"]]


async def test_without_a_status_api_the_session_waits_in_pending(
    settings: LedgerSettings, amqp, queue, db: Db, new_session: SessionMaker
) -> None:
    """With no status API configured, a shared-secret success leaves the session pending
    with the reason on its timeline, and nothing is captured."""
    session_id = await inr_session(new_session)
    async with consuming(settings, queue):
        await publish(amqp, queue, v2_success(session_id))
        await eventually(lambda: _has(db, session_id, "applied"))
    found = await history(db, session_id)
    applied = found["timeline"][1][1]
    assert (found["status"], kinds(found), applied["note"], found["captures"]) == (
        "pending",
        ["received", "applied"],
        AWAITING,
        0,
    )


async def test_a_success_phonepe_confirms_makes_the_session_paid(
    settings: LedgerSettings, amqp, queue, db: Db, new_session: SessionMaker, phonepe
) -> None:
    """PhonePe's status API confirms the payment: an api_confirmed success pays the session."""
    fake, url = phonepe
    session_id = await inr_session(new_session)
    fake.answer(session_id, "PAYMENT_SUCCESS", "COMPLETED", 49900)
    async with consuming(with_status_api(settings, url), queue):
        await publish(amqp, queue, v2_success(session_id))
        await eventually(lambda: _status_is(db, session_id, "paid"))
    found = await history(db, session_id)
    confirmed = found["timeline"][2][1]
    path = f"/pg/v1/status/{MERCHANT_ID}/{session_id}"
    digest = hashlib.sha256(f"{path}{SALT_KEY}".encode()).hexdigest()
    assert (kinds(found), found["captures"], found["outbox"]) == (
        ["received", "applied", "received", "applied"],
        1,
        ["payment.pending", "payment.paid"],
    )
    assert (confirmed["verified_by"], confirmed["provider_event_id"], confirmed["amount"]) == (
        "api_confirmed",
        f"status:{session_id}:{fake.phonepe_id(session_id)}:COMPLETED",
        49900,
    )
    assert [
        (r.headers["x-verify"], r.headers["x-merchant-id"]) for r in fake.requests_to("GET", path)
    ] == [(f"{digest}###1", MERCHANT_ID)]


@pytest.mark.parametrize(
    ("answer", "failure", "reason"),
    [
        (("PAYMENT_PENDING", "PENDING"), None, "answered PAYMENT_PENDING"),
        (("PAYMENT_ERROR", "FAILED"), None, "answered PAYMENT_ERROR"),
        (None, None, "answered TRANSACTION_NOT_FOUND"),
        (None, 503, "could not be asked: PhonePe answered 503"),
    ],
    ids=["pending", "failed", "not-found", "api-down"],
)
async def test_a_success_phonepe_does_not_confirm_stays_pending(
    settings: LedgerSettings,
    amqp,
    queue,
    db: Db,
    new_session: SessionMaker,
    phonepe,
    answer: tuple[str, str] | None,
    failure: int | None,
    reason: str,
) -> None:
    """When PhonePe reports anything but a completed payment, or cannot be asked, the session
    stays pending and the timeline says what PhonePe answered."""
    fake, url = phonepe
    session_id = await inr_session(new_session)
    if answer is not None:
        fake.answer(session_id, *answer, 49900)
    if failure is not None:
        attempts = settings.provider_policy.retry.attempts
        fake.faults.fail(failure, times=attempts, match=f"/{session_id}")
    try:
        async with consuming(with_status_api(settings, url), queue):
            await publish(amqp, queue, v2_success(session_id))
            await eventually(lambda: _has(db, session_id, "ignored"))
    finally:
        fake.faults.clear()
    found = await history(db, session_id)
    assert (found["status"], kinds(found), found["timeline"][-1][1], found["captures"]) == (
        "pending",
        ["received", "applied", "ignored"],
        {"reason": f"phonepe's status API {reason}; awaiting confirmation"},
        0,
    )


async def test_two_webhooks_confirmed_together_capture_once(
    settings: LedgerSettings, amqp, queue, db: Db, new_session: SessionMaker, phonepe
) -> None:
    """Two shared-secret webhooks for one order, handled concurrently, give one capture."""
    fake, url = phonepe
    session_id = await inr_session(new_session)
    fake.answer(session_id, "PAYMENT_SUCCESS", "COMPLETED", 49900)
    webhooks = [v2_success(session_id), v2_success(session_id, "pg.order.completed")]
    async with consuming(with_status_api(settings, url), queue):
        await publish(amqp, queue, *webhooks)
        await eventually(lambda: _status_is(db, session_id, "paid"))
        await eventually(lambda: _count(db, session_id, "received", 3))
    found = await history(db, session_id)
    assert (found["status"], found["captures"], found["outbox"]) == (
        "paid",
        1,
        ["payment.pending", "payment.paid"],
    )


async def _status_is(db: Db, session_id: str, status: str) -> bool:
    return (await history(db, session_id))["status"] == status


async def _has(db: Db, session_id: str, kind: str) -> bool:
    return kind in kinds(await history(db, session_id))


async def _count(db: Db, session_id: str, kind: str, count: int) -> bool:
    return kinds(await history(db, session_id)).count(kind) >= count
