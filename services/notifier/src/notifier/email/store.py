"""The ``emails`` rows: queued once per (session, kind), claimed, and marked as they go.

A row is ``pending`` until a mailer claims it (``FOR UPDATE SKIP LOCKED``, so concurrent
mailers never take the same row) and commits ``sending`` *before* talking to SMTP; it is
``sent`` after. A crash in between leaves it ``sending``: once ``sending_timeout`` has
passed it is claimed again and flagged as resumed, because the first try may have gone out.
Marks only apply while the row is still in the claim that made them (same attempt).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from notifier.email.kinds import EmailRequest
from notifier.tables import emails

__all__ = ["ClaimedEmail", "EmailStore", "queue_email"]


async def queue_email(session: AsyncSession, request: EmailRequest, event_id: str) -> bool:
    """Add the email unless the session already has one of its kind; True when added.

    Without a recipient the row is recorded as ``skipped``.
    """
    result = await session.execute(
        insert(emails)
        .values(
            session_id=request.session_id,
            kind=request.kind.value,
            event_id=event_id,
            recipient=request.recipient,
            context=request.context,
            status="pending" if request.recipient is not None else "skipped",
        )
        .on_conflict_do_nothing(index_elements=["session_id", "kind"])
        .returning(emails.c.id)
    )
    return result.first() is not None


@dataclass(frozen=True, slots=True)
class ClaimedEmail:
    """A row this mailer now owns for one attempt."""

    id: int
    session_id: str
    kind: str
    recipient: str
    context: dict[str, Any]
    attempt: int
    resumed: bool


class EmailStore:
    """Claims due rows and records each attempt's outcome."""

    def __init__(self, engine: AsyncEngine, sending_timeout_seconds: float) -> None:
        self._engine = engine
        self._sending_timeout = timedelta(seconds=sending_timeout_seconds)

    async def claim_due(self, limit: int) -> list[ClaimedEmail]:
        """Take up to ``limit`` due rows (and rows stuck in ``sending``), marked ``sending``."""
        due = or_(
            and_(emails.c.status == "pending", emails.c.next_attempt_at <= func.now()),
            and_(
                emails.c.status == "sending",
                emails.c.sending_started_at < func.now() - self._sending_timeout,
            ),
        )
        async with self._engine.begin() as conn:
            rows = (
                await conn.execute(
                    select(emails)
                    .where(due)
                    .order_by(emails.c.next_attempt_at)
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if rows:
                await conn.execute(
                    update(emails)
                    .where(emails.c.id.in_([row.id for row in rows]))
                    .values(
                        status="sending",
                        attempts=emails.c.attempts + 1,
                        sending_started_at=func.now(),
                    )
                )
        return [
            ClaimedEmail(
                id=row.id,
                session_id=row.session_id,
                kind=row.kind,
                recipient=row.recipient,
                context=row.context,
                attempt=row.attempts + 1,
                resumed=row.status == "sending",
            )
            for row in rows
        ]

    async def mark_sent(self, email: ClaimedEmail) -> None:
        """The server accepted the message."""
        await self._mark(email, status="sent", sent_at=func.now(), last_error=None)

    async def mark_retry(self, email: ClaimedEmail, delay_seconds: float, error: str) -> None:
        """Try again after ``delay_seconds``."""
        await self._mark(
            email,
            status="pending",
            next_attempt_at=func.now() + timedelta(seconds=delay_seconds),
            last_error=error,
        )

    async def mark_failed(self, email: ClaimedEmail, error: str) -> None:
        """The server refused the message for good: stop trying."""
        await self._mark(email, status="failed", last_error=error)

    async def _mark(self, email: ClaimedEmail, **values: Any) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(
                update(emails)
                .where(
                    emails.c.id == email.id,
                    emails.c.status == "sending",
                    emails.c.attempts == email.attempt,
                )
                .values(**values)
            )
