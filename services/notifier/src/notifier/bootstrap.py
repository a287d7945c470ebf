"""Wiring: the notifier's parts for one process, built from settings.

Building connects to nothing; ``start()`` launches the consumers (retrying until the
broker and database answer) and the mailer, ``stop()`` drains and closes them.
"""

from __future__ import annotations

import asyncio
import contextlib
from functools import partial

import httpx
from common.db import create_engine, session_factory
from common.logging import get_logger
from common.messaging import QUEUES, AmqpConnection, Consumer
from sqlalchemy import text

from notifier.email.mailer import Mailer
from notifier.email.render import EmailRenderer
from notifier.email.sender import SmtpSender
from notifier.email.store import EmailStore
from notifier.handlers import on_email_event, on_stream_events
from notifier.settings import NotifierSettings
from notifier.ws.auth import StreamAuthorizer
from notifier.ws.fanout import StreamFanout
from notifier.ws.hub import StreamHub
from notifier.ws.jwks import JwksKeys
from notifier.ws.merchants import LedgerMerchants
from notifier.ws.stream_log import StreamLog
from notifier.ws.tokens import AccessTokenVerifier

__all__ = ["Notifier"]

log = get_logger(__name__)
_MAX_START_BACKOFF = 30.0


class Notifier:
    """The email consumer, the stream fan-out, the mailer and the stream's collaborators."""

    def __init__(self, settings: NotifierSettings) -> None:
        tuning = settings.notifier
        self.engine = create_engine(settings.database_url)
        self.amqp = AmqpConnection(settings.amqp_url.get_secret_value())
        self.http = httpx.AsyncClient(timeout=5.0)
        self.hub = StreamHub(tuning.stream_buffer)
        self.stream_log = StreamLog(self.engine)
        self.mailer = Mailer(
            EmailStore(self.engine, tuning.email_sending_timeout_seconds),
            EmailRenderer(settings.smtp.sender),
            SmtpSender(settings.smtp.host, settings.smtp.port, tuning.smtp_timeout_seconds),
            retry_base_seconds=tuning.email_retry_base_seconds,
            retry_max_seconds=tuning.email_retry_max_seconds,
            poll_seconds=tuning.email_poll_seconds,
        )
        self.email_consumer = Consumer(
            self.amqp,
            QUEUES["notifier.email"],
            partial(
                on_email_event,
                sessions=session_factory(self.engine),
                email_queued=self.mailer.wake,
            ),
        )
        self.fanout = StreamFanout(
            self.amqp,
            partial(on_stream_events, stream_log=self.stream_log),
            self.stream_log,
            self.hub,
            batch_size=tuning.stream_batch_size,
            linger_seconds=tuning.stream_batch_linger_seconds,
            poll_seconds=tuning.stream_poll_seconds,
        )
        jwks_url = f"{settings.fulfillment_url.rstrip('/')}/.well-known/jwks.json"
        self.authorizer = StreamAuthorizer(
            AccessTokenVerifier(JwksKeys(self.http, jwks_url)),
            LedgerMerchants(self.http, settings.ledger_url, tuning.merchant_cache_seconds),
            self.stream_log,
        )
        self._email_consumer_started = False
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        """Start consuming (in the background, until it succeeds) and sending email."""
        self._tasks = [
            asyncio.create_task(self._start_consumers()),
            asyncio.create_task(self.mailer.run()),
        ]

    async def stop(self, grace_seconds: float = 10.0) -> None:
        """Stop taking events, finish what is in flight, close every connection."""
        starter, mailer = self._tasks
        starter.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await starter
        await self.email_consumer.stop(grace_seconds)
        await self.fanout.stop()
        await self.mailer.stop()
        try:
            await asyncio.wait_for(mailer, grace_seconds)
        except TimeoutError:
            log.warning("mailer_stop_timed_out")
        await self.http.aclose()
        await self.amqp.close()
        await self.engine.dispose()

    async def database_ready(self) -> bool:
        """True when Postgres answers."""
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return True

    async def consumers_ready(self) -> bool:
        """True once both the email queue and this instance's fan-out queue are consumed."""
        return self._email_consumer_started and self.fanout.started

    async def _start_consumers(self) -> None:
        delay = 0.5
        while True:
            try:
                if not self._email_consumer_started:
                    await self.email_consumer.start()
                    self._email_consumer_started = True
                if not self.fanout.started:
                    await self.fanout.start()
                return
            except Exception as exc:
                log.warning(
                    "consumers_start_failed",
                    error=f"{type(exc).__name__}: {exc}"[:300],
                    retry_in=delay,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, _MAX_START_BACKOFF)
