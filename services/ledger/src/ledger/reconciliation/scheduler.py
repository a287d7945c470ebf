"""The ledger's scheduler: status checks on a schedule, and the expiry sweep.

Every ``interval_seconds`` each ledger process runs a round: enrol open sessions of the
providers it has a gateway for, claim the due ones (``store.claim_due``: one process per
session and slot), check each one, then expire unpaid sessions past ``expires_at``. A
check first sends again any refund the provider has not answered, asks the provider's
refund-status API about each requested refund it has named (a refund whose webhook never
comes is completed or released this way), then asks the provider's payment status API;
every answer is applied through the provider-event path, so a webhook and a check that
report the same thing have one effect.

A provider that cannot be reached is not called again in that round: its remaining
sessions back off with it (``backoff_seconds``, doubling per consecutive failure, at most
``max_backoff_seconds``) and resume their schedule once it answers.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from common.logging import get_logger
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ledger.expiry import expire_due
from ledger.gateways import Gateway, GatewayError, GatewayUnavailable
from ledger.metrics import SESSIONS_EXPIRED, STATUS_CHECKS
from ledger.reconciliation import store
from ledger.reconciliation.answers import check_now, check_refund_now
from ledger.reconciliation.settings import ReconcileSettings
from ledger.refunds import records
from ledger.refunds.submit import submit_refund

__all__ = ["Round", "Scheduler"]

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Round:
    """What one round did: status checks by outcome, and sessions expired."""

    answered: int = 0
    refused: int = 0
    unavailable: int = 0
    expired: int = 0


class Scheduler:
    """Runs rounds until ``stop()``; ``run_once`` runs one (tests pass their own ``now``)."""

    def __init__(
        self,
        factory: async_sessionmaker[AsyncSession],
        gateways: Mapping[str, Gateway],
        settings: ReconcileSettings,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._factory = factory
        self._gateways = gateways
        self._settings = settings
        self._clock = clock
        self._schedules = (
            {name: settings.schedule_for(name) for name in gateways} if settings.enabled else {}
        )
        self._stopping = asyncio.Event()

    async def run(self) -> None:
        """Run a round every ``interval_seconds``; a failed round is logged, not fatal."""
        while not self._stopping.is_set():
            try:
                await self.run_once()
            except Exception:
                log.exception("scheduler_round_failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self._settings.interval_seconds)

    async def stop(self) -> None:
        """Finish the current round, then stop."""
        self._stopping.set()

    async def run_once(self, now: datetime | None = None) -> Round:
        """Check the sessions due at ``now`` (default: the clock), then sweep expired ones."""
        now = now or self._clock()
        limit = self._settings.batch_size
        async with self._factory.begin() as db:
            await store.enrol(db, self._schedules, limit)
            claims = await store.claim_due(db, self._schedules, now, limit)
        down: set[str] = set()
        slots = asyncio.Semaphore(self._settings.concurrency)

        async def check(claim: store.Claim) -> str:
            async with slots:
                return await self._check(claim, now, down)

        outcomes = await asyncio.gather(*(check(c) for c in claims), return_exceptions=True)
        for claim, outcome in zip(claims, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                log.error("status_check_failed", session_id=claim.session_id, error=repr(outcome))
        expired = await expire_due(self._factory, now, limit)
        SESSIONS_EXPIRED.inc(expired)
        return Round(
            answered=outcomes.count("answered"),
            refused=outcomes.count("refused"),
            unavailable=outcomes.count("unavailable"),
            expired=expired,
        )

    async def _check(self, claim: store.Claim, now: datetime, down: set[str]) -> str:
        outcome, error = "answered", None
        if claim.provider in down:
            outcome, error = "unavailable", "not asked: the provider was unavailable this round"
        else:
            try:
                await self._ask(claim, now)
            except GatewayUnavailable as exc:
                down.add(claim.provider)
                outcome, error = "unavailable", f"{exc.code}: {exc.message}"
            except GatewayError as exc:
                outcome, error = "refused", f"{exc.code}: {exc.message}"
        async with self._factory.begin() as db:
            if outcome == "unavailable":
                retry_at = now + self._settings.backoff(claim.failures + 1)
                await store.record_unavailable(db, claim.session_id, retry_at, str(error))
            else:
                await store.record_answered(db, claim.session_id, now, error)
        STATUS_CHECKS.labels(claim.provider, outcome).inc()
        log.info(
            "status_checked", provider=claim.provider, session_id=claim.session_id, outcome=outcome
        )
        return outcome

    async def _ask(self, claim: store.Claim, now: datetime) -> None:
        gateway = self._gateways[claim.provider]
        if claim.refunds_pending:
            retry_before = now - self._settings.refund_retry
            async with self._factory() as db:
                unanswered = await records.unanswered(db, claim.session_id, retry_before)
            for request in unanswered:
                await submit_refund(self._factory, gateway, request)
            await self._check_refunds(gateway, claim.session_id)
        await check_now(self._factory, gateway, claim.request)

    async def _check_refunds(self, gateway: Gateway, session_id: str) -> None:
        """Ask about each named, still requested refund; one the provider refuses to
        answer about is logged and the others are still asked (an outage is raised)."""
        async with self._factory() as db:
            awaiting = await records.awaiting(db, session_id)
        for request in awaiting:
            try:
                await check_refund_now(self._factory, gateway, request)
            except GatewayUnavailable:
                raise
            except GatewayError as exc:
                log.warning(
                    "refund_status_refused",
                    provider=gateway.provider,
                    session_id=session_id,
                    refund_id=request.refund_id,
                    code=exc.code,
                )
