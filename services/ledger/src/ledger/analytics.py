"""Daily figures per currency for one merchant, from the ledger's own records.

- paid: capture entries of the journal (count and amount), by the day they were posted;
- failed: sessions moved to ``failed`` (a later success does not erase the failure);
- refunded: succeeded refunds, by the day they completed.

Days are UTC calendar days; amounts are integer minor units.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Date, and_, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ledger.domain.journal import EntryKind
from ledger.tables import journal_entries, journal_lines, refunds, sessions, timeline

__all__ = ["DailyFigures", "daily_figures"]


@dataclass(slots=True)
class DailyFigures:
    """One day and currency."""

    date: date
    currency: str
    paid_count: int = 0
    paid_amount: int = 0
    failed_count: int = 0
    refunded_amount: int = 0


async def daily_figures(
    db: AsyncSession, merchant_id: str, first: date, last: date
) -> list[DailyFigures]:
    """The merchant's figures for every day from ``first`` to ``last`` that had any."""
    start = datetime.combine(first, time.min, UTC)
    end = datetime.combine(last + timedelta(days=1), time.min, UTC)
    rows: dict[tuple[date, str], DailyFigures] = defaultdict(lambda: DailyFigures(date.min, ""))

    def row(day: date, currency: str) -> DailyFigures:
        figures = rows[(day, currency)]
        figures.date, figures.currency = day, currency
        return figures

    paid_day = cast(func.timezone("UTC", journal_entries.c.created_at), Date)
    paid = await db.execute(
        select(paid_day, journal_lines.c.currency, func.count(), func.sum(journal_lines.c.amount))
        .select_from(journal_entries)
        .join(journal_lines, journal_lines.c.entry_id == journal_entries.c.id)
        .join(sessions, sessions.c.id == journal_entries.c.session_id)
        .where(
            sessions.c.merchant_id == merchant_id,
            journal_entries.c.kind == EntryKind.CAPTURE.value,
            journal_lines.c.amount > 0,
            journal_entries.c.created_at >= start,
            journal_entries.c.created_at < end,
        )
        .group_by(paid_day, journal_lines.c.currency)
    )
    for day, currency, count, amount in paid:
        figures = row(day, currency)
        figures.paid_count, figures.paid_amount = int(count), int(amount)

    failed_day = cast(func.timezone("UTC", timeline.c.at), Date)
    failed = await db.execute(
        select(failed_day, sessions.c.currency, func.count())
        .select_from(timeline)
        .join(sessions, sessions.c.id == timeline.c.session_id)
        .where(
            sessions.c.merchant_id == merchant_id,
            and_(timeline.c.kind == "applied", timeline.c.detail["to"].astext == "failed"),
            timeline.c.at >= start,
            timeline.c.at < end,
        )
        .group_by(failed_day, sessions.c.currency)
    )
    for day, currency, count in failed:
        row(day, currency).failed_count = int(count)

    refund_day = cast(func.timezone("UTC", refunds.c.updated_at), Date)
    refunded = await db.execute(
        select(refund_day, refunds.c.currency, func.sum(refunds.c.amount))
        .join(sessions, sessions.c.id == refunds.c.session_id)
        .where(
            sessions.c.merchant_id == merchant_id,
            refunds.c.status == "succeeded",
            refunds.c.updated_at >= start,
            refunds.c.updated_at < end,
        )
        .group_by(refund_day, refunds.c.currency)
    )
    for day, currency, amount in refunded:
        row(day, currency).refunded_amount = int(amount)

    return sorted(rows.values(), key=lambda f: (f.date, f.currency))
