"""``GET /v1/analytics/daily?from=&to=``: per day and currency, what was paid, failed, refunded."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated

from common.web import ApiError
from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from ledger.analytics import daily_figures
from ledger.api.deps import Database, Merchant

__all__ = ["router"]

router = APIRouter(prefix="/v1/analytics", tags=["analytics"])

MAX_DAYS = 366
DEFAULT_DAYS = 30


class DailyRow(BaseModel):
    """One day and currency; amounts in minor units."""

    date: date
    currency: str
    paid_count: int
    paid_amount: int
    failed_count: int
    refunded_amount: int


class DailyAnalytics(BaseModel):
    """The requested range (UTC days, inclusive) and its rows, oldest first."""

    model_config = ConfigDict(populate_by_name=True)

    from_: date = Field(alias="from")
    to: date
    data: list[DailyRow]


@router.get("/daily", response_model=DailyAnalytics)
async def daily(
    merchant: Merchant,
    database: Database,
    from_: Annotated[date | None, Query(alias="from")] = None,
    to: Annotated[date | None, Query()] = None,
) -> DailyAnalytics:
    """The last 30 days by default; at most 366 days at once."""
    last = to or datetime.now(UTC).date()
    first = from_ or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise ApiError(422, "invalid_range", "'from' is after 'to'")
    if (last - first).days + 1 > MAX_DAYS:
        raise ApiError(422, "range_too_long", f"ask for at most {MAX_DAYS} days at once")
    async with database() as db:
        rows = await daily_figures(db, merchant.id, first, last)
    return DailyAnalytics(
        from_=first,
        to=last,
        data=[DailyRow.model_validate(r, from_attributes=True) for r in rows],
    )
