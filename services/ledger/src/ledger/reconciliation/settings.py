"""``PAYWIRE_RECONCILE__*``: how the ledger's scheduler checks payments with providers."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, Field
from pydantic_settings import NoDecode

from ledger.reconciliation.schedule import DEFAULT_SCHEDULE, Schedule

__all__ = ["ReconcileSettings"]

ScheduleText = Annotated[Schedule, BeforeValidator(Schedule.coerce), NoDecode]


class ReconcileSettings(BaseModel):
    """The status-check schedule and how the scheduler works through it.

    ``SCHEDULE`` applies to every provider without its own entry in ``PROVIDERS``
    (``PAYWIRE_RECONCILE__PROVIDERS__RAZORPAY=30,120x10,1800``); ``ENABLED`` false stops
    the status checks (the expiry sweep still runs). Each process looks for due
    work every ``INTERVAL_SECONDS``, claims at most ``BATCH_SIZE`` sessions a round and
    calls at most ``CONCURRENCY`` provider APIs at once. A provider that is unreachable
    is asked again after ``BACKOFF_SECONDS``, doubling up to ``MAX_BACKOFF_SECONDS``. A
    refund the provider has not answered for ``REFUND_RETRY_SECONDS`` is sent again (with
    the same idempotency key, so the provider makes it once).
    """

    enabled: bool = True
    schedule: ScheduleText = DEFAULT_SCHEDULE
    providers: dict[str, ScheduleText] = {}
    interval_seconds: float = Field(default=5.0, gt=0)
    batch_size: int = Field(default=100, ge=1, le=10_000)
    concurrency: int = Field(default=10, ge=1, le=1000)
    backoff_seconds: float = Field(default=30.0, gt=0)
    max_backoff_seconds: float = Field(default=900.0, gt=0)
    refund_retry_seconds: float = Field(default=60.0, ge=0)

    def schedule_for(self, provider: str) -> Schedule:
        """The schedule for ``provider``'s sessions."""
        return self.providers.get(provider, self.schedule)

    @property
    def refund_retry(self) -> timedelta:
        """How long a requested refund may go unanswered before it is sent again."""
        return timedelta(seconds=self.refund_retry_seconds)

    def backoff(self, failures: int) -> timedelta:
        """How long to wait after ``failures`` consecutive failed calls (1 or more)."""
        seconds = self.backoff_seconds * 2 ** min(max(failures - 1, 0), 32)
        return timedelta(seconds=min(seconds, self.max_backoff_seconds))
