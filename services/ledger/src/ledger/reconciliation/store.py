"""The status-check schedule in the database: enrolling open sessions, claiming due ones,
recording what each check found.

A claim locks due ``reconciliation`` rows with ``FOR UPDATE SKIP LOCKED`` and, in the same
transaction, pushes ``next_check_at`` to the next slot of the schedule. Another process's
claim skips the locked rows, and once they are committed they are no longer due (Postgres
re-checks the condition on the updated row), so each due session is checked by one process
per slot. ``attempt`` counts checks that got an answer: a process that dies after claiming
leaves the session due at the next slot with the same ``attempt``; a provider outage sets
``next_check_at`` by backoff and keeps ``attempt``, so the schedule resumes where it was.

Open sessions (``created``, ``pending``, ``failed``) are checked until they expire, the
last check at ``expires_at``; settled sessions while a requested refund is pending.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from common.events import PaymentStatus
from sqlalchemy import Interval, bindparam, case, exists, func, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from ledger.gateways import StatusRequest
from ledger.reconciliation.schedule import Schedule
from ledger.tables import attempts, reconciliation, sessions

__all__ = [
    "OPEN",
    "Claim",
    "claim_due",
    "enrol",
    "load_request",
    "record_answered",
    "record_unavailable",
    "schedule_check",
]

OPEN = frozenset({PaymentStatus.CREATED, PaymentStatus.PENDING, PaymentStatus.FAILED})
"""Statuses a status check can still move (a later success wins over ``failed``)."""


@dataclass(frozen=True, slots=True)
class Claim:
    """A session this process checks now."""

    provider: str
    request: StatusRequest
    failures: int
    refunds_pending: bool

    @property
    def session_id(self) -> str:
        """The claimed session's id."""
        return self.request.session_id


async def enrol(db: AsyncSession, schedules: Mapping[str, Schedule], limit: int) -> None:
    """Schedule the first check of open sessions of ``schedules``' providers that have none."""
    if not schedules:
        return
    first = case(
        *(
            (sessions.c.provider == provider, literal(schedule.delay(0), Interval()))
            for provider, schedule in schedules.items()
        )
    )
    unscheduled = (
        select(sessions.c.id, sessions.c.created_at + first)
        .where(sessions.c.status.in_([s.value for s in OPEN]))
        .where(sessions.c.provider.in_(list(schedules)))
        .where(~exists().where(reconciliation.c.session_id == sessions.c.id))
        .limit(limit)
    )
    await db.execute(
        pg_insert(reconciliation)
        .from_select(["session_id", "next_check_at"], unscheduled)
        .on_conflict_do_nothing(index_elements=["session_id"])
    )


async def claim_due(
    db: AsyncSession, schedules: Mapping[str, Schedule], now: datetime, limit: int
) -> list[Claim]:
    """Lock up to ``limit`` due sessions of ``schedules``' providers, move each to its next
    slot (or off the schedule when nothing is left to check) and return those to check."""
    if not schedules:
        return []
    rows = (
        await db.execute(
            select(
                reconciliation.c.session_id,
                reconciliation.c.attempt,
                reconciliation.c.failures,
                sessions.c.provider,
                sessions.c.status,
                sessions.c.amount,
                sessions.c.currency,
                sessions.c.expires_at,
                sessions.c.amount_refund_pending,
            )
            .join(sessions, sessions.c.id == reconciliation.c.session_id)
            .where(reconciliation.c.next_check_at <= now)
            .where(sessions.c.provider.in_(list(schedules)))
            .order_by(reconciliation.c.next_check_at)
            .limit(limit)
            .with_for_update(of=reconciliation, skip_locked=True)
        )
    ).all()
    if not rows:
        return []
    moves = [
        {"id": row.session_id, "next": _next_check(row, schedules[row.provider], now)}
        for row in rows
    ]
    await db.execute(
        update(reconciliation)
        .where(reconciliation.c.session_id == bindparam("id"))
        .values(next_check_at=bindparam("next")),
        moves,
    )
    due = [row for row in rows if _checkable(row)]
    payment_ids = await _payment_ids(db, [row.session_id for row in due])
    return [
        Claim(
            provider=row.provider,
            request=StatusRequest(
                row.session_id, row.amount, row.currency, payment_ids.get(row.session_id, ())
            ),
            failures=row.failures,
            refunds_pending=row.amount_refund_pending > 0,
        )
        for row in due
    ]


async def record_answered(
    db: AsyncSession, session_id: str, now: datetime, error: str | None = None
) -> None:
    """The check got an answer (``error``: a refusal): the schedule moves on."""
    await db.execute(
        update(reconciliation)
        .where(reconciliation.c.session_id == session_id)
        .values(
            attempt=reconciliation.c.attempt + 1,
            failures=0,
            last_checked_at=now,
            last_error=error,
        )
    )


async def record_unavailable(
    db: AsyncSession, session_id: str, retry_at: datetime, error: str
) -> None:
    """The provider could not answer: check again at ``retry_at``, same place in the schedule."""
    await db.execute(
        update(reconciliation)
        .where(reconciliation.c.session_id == session_id)
        .values(failures=reconciliation.c.failures + 1, next_check_at=retry_at, last_error=error)
    )


async def schedule_check(db: AsyncSession, session_id: str, at: datetime) -> None:
    """Check ``session_id`` at ``at`` at the latest, restarting its schedule there."""
    insert = pg_insert(reconciliation).values(session_id=session_id, next_check_at=at)
    await db.execute(
        insert.on_conflict_do_update(
            index_elements=["session_id"],
            set_={
                "next_check_at": func.least(
                    reconciliation.c.next_check_at, insert.excluded.next_check_at
                ),
                "attempt": 0,
                "failures": 0,
            },
        )
    )


async def load_request(
    db: AsyncSession, session_id: str, merchant_id: str
) -> tuple[str, StatusRequest] | None:
    """The provider of ``merchant_id``'s session ``session_id`` and what to ask it."""
    row = (
        await db.execute(
            select(sessions.c.provider, sessions.c.amount, sessions.c.currency)
            .where(sessions.c.id == session_id)
            .where(sessions.c.merchant_id == merchant_id)
        )
    ).first()
    if row is None:
        return None
    payment_ids = await _payment_ids(db, [session_id])
    request = StatusRequest(session_id, row.amount, row.currency, payment_ids.get(session_id, ()))
    return row.provider, request


def _checkable(row: Any) -> bool:
    return PaymentStatus(row.status) in OPEN or row.amount_refund_pending > 0


def _next_check(row: Any, schedule: Schedule, now: datetime) -> datetime | None:
    if row.amount_refund_pending > 0:
        return now + schedule.delay(row.attempt + 1)
    expires_at: datetime = row.expires_at
    if PaymentStatus(row.status) not in OPEN or now >= expires_at:
        return None
    return min(now + schedule.delay(row.attempt + 1), expires_at)


async def _payment_ids(db: AsyncSession, session_ids: Iterable[str]) -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    ids = list(session_ids)
    if not ids:
        return found
    rows = await db.execute(
        select(attempts.c.session_id, attempts.c.provider_payment_id)
        .where(attempts.c.session_id.in_(ids))
        .order_by(attempts.c.id)
    )
    for row in rows:
        found[row.session_id] = (*found.get(row.session_id, ()), row.provider_payment_id)
    return found
