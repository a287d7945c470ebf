"""What the notifier does with each event; dependencies come in as arguments.

- ``on_email_event`` (queue ``notifier.email``): in one transaction, claim the event in
  the inbox and queue the email it calls for; the mailer sends it later.
- ``on_stream_events`` (this instance's fan-out queue): record a batch of events in the
  stream log, in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from common.db import claim_event
from common.events import CloudEvent
from common.logging import get_logger
from common.messaging import PermanentFailure
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notifier.email.kinds import email_for
from notifier.email.store import queue_email
from notifier.events import MalformedEvent, parse_event
from notifier.tables import inbox
from notifier.ws.messages import stream_entry
from notifier.ws.stream_log import StreamLog

__all__ = ["on_email_event", "on_stream_events"]

log = get_logger(__name__)


async def on_email_event(
    event: CloudEvent,
    sessions: async_sessionmaker[AsyncSession],
    email_queued: Callable[[], None],
) -> None:
    """Queue the email ``event`` calls for, once per event and once per (session, kind)."""
    try:
        parsed = parse_event(event)
        request = email_for(parsed) if parsed is not None else None
    except ValueError as exc:
        raise PermanentFailure(str(exc)) from exc
    if request is None:
        return
    async with sessions.begin() as session:
        if not await claim_event(session, inbox, event.id):
            return
        added = await queue_email(session, request, event.id)
    if not added:
        log.info("email_already_queued", session_id=request.session_id, kind=request.kind)
    elif request.recipient is None:
        log.info(
            "email_skipped", session_id=request.session_id, kind=request.kind, reason="no_email"
        )
    else:
        log.info("email_queued", session_id=request.session_id, kind=request.kind)
        email_queued()


async def on_stream_events(events: Sequence[CloudEvent], stream_log: StreamLog) -> None:
    """Record ``events`` in order (those already in the log stay as they are)."""
    entries = []
    for event in events:
        try:
            parsed = parse_event(event)
        except MalformedEvent as exc:
            log.warning(
                "stream_event_malformed", event_id=event.id, event_type=event.type, error=str(exc)
            )
            continue
        if parsed is not None:
            entries.append(stream_entry(event.id, parsed))
    await stream_log.record(entries)
