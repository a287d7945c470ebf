"""The mailer: a worker in every notifier process that sends the queued emails.

It claims due rows, sends them concurrently, and records each outcome. A transient
failure (SMTP down, timeout, 4xx) is retried with exponential backoff; a 5xx refusal is
final. A row resumed after a crash mid-send is sent again with a loud warning: the first
try may have been delivered, and the shared ``Message-ID`` lets mail systems drop the copy.
"""

from __future__ import annotations

import asyncio
import contextlib

from common.logging import get_logger

from notifier.email.render import EmailRenderer
from notifier.email.sender import DeliveryRefused, EmailSender
from notifier.email.store import ClaimedEmail, EmailStore
from notifier.metrics import EMAILS

__all__ = ["Mailer", "retry_delay"]

log = get_logger(__name__)
_MAX_FAILURE_BACKOFF = 30.0


def retry_delay(attempt: int, base_seconds: float, max_seconds: float) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1, 2, ...)."""
    return float(min(base_seconds * 2 ** (attempt - 1), max_seconds))


class Mailer:
    """Sends queued emails until ``stop()``."""

    def __init__(
        self,
        store: EmailStore,
        renderer: EmailRenderer,
        sender: EmailSender,
        retry_base_seconds: float,
        retry_max_seconds: float,
        poll_seconds: float = 2.0,
        batch_size: int = 20,
    ) -> None:
        self._store = store
        self._renderer = renderer
        self._sender = sender
        self._retry_base = retry_base_seconds
        self._retry_max = retry_max_seconds
        self._poll_seconds = poll_seconds
        self._batch_size = batch_size
        self._wake = asyncio.Event()
        self._stopped = asyncio.Event()

    def wake(self) -> None:
        """Look for due emails now (a new one was queued)."""
        self._wake.set()

    async def run(self) -> None:
        """Send due emails, sleeping between rounds, until stopped."""
        backoff = self._poll_seconds
        while not self._stopped.is_set():
            try:
                count = await self.send_due()
                backoff = self._poll_seconds
            except Exception as exc:
                log.warning("mailer_failed", error=f"{type(exc).__name__}: {exc}"[:300])
                await self._sleep(backoff)
                backoff = min(backoff * 2, _MAX_FAILURE_BACKOFF)
                continue
            if count < self._batch_size:
                await self._sleep(self._poll_seconds)

    async def stop(self) -> None:
        """Ask ``run`` to return after the round in progress."""
        self._stopped.set()
        self._wake.set()

    async def send_due(self) -> int:
        """Send one batch of due emails; returns how many were attempted."""
        claimed = await self._store.claim_due(self._batch_size)
        await asyncio.gather(*(self._deliver(email) for email in claimed))
        return len(claimed)

    async def _deliver(self, email: ClaimedEmail) -> None:
        fields = {"email_id": email.id, "session_id": email.session_id, "kind": email.kind}
        if email.resumed:
            log.warning("email_resent_after_interrupted_send", possible_duplicate=True, **fields)
        try:
            message = self._renderer.render(
                email.session_id, email.kind, email.recipient, email.context
            )
            await self._sender.send(message)
        except DeliveryRefused as exc:
            await self._store.mark_failed(email, str(exc)[:500])
            EMAILS.labels(email.kind, "failed").inc()
            log.error("email_refused", attempt=email.attempt, error=str(exc)[:300], **fields)
        except Exception as exc:
            delay = retry_delay(email.attempt, self._retry_base, self._retry_max)
            error = f"{type(exc).__name__}: {exc}"[:500]
            await self._store.mark_retry(email, delay, error)
            EMAILS.labels(email.kind, "retry").inc()
            log.warning(
                "email_send_failed", attempt=email.attempt, retry_in=delay, error=error, **fields
            )
        else:
            await self._store.mark_sent(email)
            EMAILS.labels(email.kind, "sent").inc()
            log.info("email_sent", attempt=email.attempt, **fields)

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)
        self._wake.clear()
