"""Confirming a success that only a shared secret vouches for, through the provider's API.

The ledger fulfills only ``signature`` and ``api_confirmed`` events: the handler moves a
session with a ``shared_secret`` success to ``pending`` and notes why on its timeline.
Once that transaction has committed, ``SharedSecretConfirmation.after`` asks the provider's
status API, when one is configured, about a session that is still ``pending``:

- a confirmed success re-enters ``on_provider_event`` as an ``api_confirmed`` event whose
  id derives from the provider's answer, so the inbox applies it once however many
  webhooks (or redeliveries) asked;
- any other answer, or a call that failed, is recorded on the timeline as ``ignored`` with
  the reason (the provider's answer or the error), and the session stays ``pending``.

It runs before the delivery is acknowledged, so a crash in between redelivers the webhook
and the check runs again (the webhook itself is then a duplicate and changes nothing).
"""

from __future__ import annotations

from collections.abc import Mapping

from common.events import CloudEvent, PaymentStatus, ProviderEvent, ProviderEventKind, VerifiedBy
from common.ids import event_id_for
from common.logging import get_logger
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ledger import store
from ledger.adapters import StatusChecker, StatusCheckFailed
from ledger.handlers import on_provider_event
from ledger.tables import sessions

__all__ = ["SOURCE", "SharedSecretConfirmation"]

SOURCE = "paywire/ledger/confirmation"
log = get_logger(__name__)


class SharedSecretConfirmation:
    """Asks ``checkers`` (by provider name) about shared-secret successes."""

    def __init__(
        self, factory: async_sessionmaker[AsyncSession], checkers: Mapping[str, StatusChecker]
    ) -> None:
        self._factory = factory
        self._checkers = checkers

    async def after(self, event: CloudEvent) -> None:
        """Confirm ``event``'s success if it needs it and its session still waits for it."""
        try:
            reported = ProviderEvent.model_validate(event.data)
        except ValidationError:
            return  # the handler has already dead-lettered it
        checker = self._checkers.get(reported.provider)
        session_id = reported.session_ref
        if (
            checker is None
            or reported.verified_by is not VerifiedBy.SHARED_SECRET
            or reported.kind is not ProviderEventKind.PAYMENT_SUCCEEDED
            or session_id is None
            or await self._status(session_id) is not PaymentStatus.PENDING
        ):
            return
        provider = reported.provider
        try:
            answer = await checker.check(reported)
        except StatusCheckFailed as exc:
            reason = f"{provider}'s status API could not be asked: {exc}; awaiting confirmation"
            await self._unconfirmed(session_id, event.id, reason, provider=provider)
            return
        if answer.confirmed is None:
            reason = f"{provider}'s status API answered {answer.state}; awaiting confirmation"
            await self._unconfirmed(session_id, event.id, reason, answer=answer.state)
            return
        confirmed = answer.confirmed
        await on_provider_event(
            CloudEvent(
                id=event_id_for(confirmed.provider, confirmed.provider_event_id),
                source=SOURCE,
                type=f"paywire.provider.{confirmed.kind.value}",
                subject=confirmed.session_ref,
                correlationid=event.correlationid or event.id,
                data=confirmed.model_dump(mode="json"),
            ),
            self._factory,
        )

    async def _status(self, session_id: str) -> PaymentStatus | None:
        async with self._factory() as db:
            status = await db.scalar(select(sessions.c.status).where(sessions.c.id == session_id))
        return PaymentStatus(status) if status is not None else None

    async def _unconfirmed(self, session_id: str, event_id: str, reason: str, **facts: str) -> None:
        """Record on the timeline why the success changes nothing yet."""
        async with self._factory.begin() as db:
            await store.add_timeline(db, session_id, "ignored", event_id, {"reason": reason})
        log.warning("payment_unconfirmed", session_id=session_id, reason=reason, **facts)
