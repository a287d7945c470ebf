"""Driving the running system as a merchant, a customer and Stripe would, with timestamps.

- ``MailRecorder``: an aiosmtpd handler noting when each session's receipt arrived, matched
  by its ``Message-ID`` (``<receipt.{session id}@...>``, see ``notifier.email.render``).
- ``ServiceLogs``: when the services logged each session's milestones (their JSON logs):
  the ledger applied the payment, fulfillment issued, the notifier queued the receipt.
- ``Driver``: creates sessions (``POST /v1/sessions``), posts signed ``payment_intent.succeeded``
  webhooks to ingress, and reads the notifier's WebSocket stream, stamping each ``Track``.

Every time is ``time.perf_counter()`` in this process (the SMTP server runs in a thread).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import re
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from _common import HOST  # importing _common puts the repository root on sys.path
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from common.settings import Settings
from ledger.operations import create_merchant
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from paywire.samples import SampleSession, SignedRequest
from paywire.samples.stripe import STRIPE_SAMPLES
from tests.e2e.system import STRIPE_SECRET, System

__all__ = ["MILESTONES", "Driver", "MailRecorder", "Merchant", "ServiceLogs", "Track"]

AMOUNT = 2500
CURRENCY = "EUR"
NAN = math.nan
_RECEIPT_ID = re.compile(rb"^Message-ID:\s*<receipt\.(ses_[0-9A-Z]{26})@", re.IGNORECASE | re.M)


class MailRecorder:
    """Keeps the arrival time of each session's receipt; counts duplicates and strangers."""

    def __init__(self) -> None:
        self.arrivals: dict[str, float] = {}
        self.duplicates = 0
        self.unmatched = 0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        """Called by aiosmtpd once a message is received; answers 250."""
        arrived = time.perf_counter()
        content = envelope.content
        raw = content if isinstance(content, bytes) else (content or "").encode()
        match = _RECEIPT_ID.search(raw)
        if match is None:
            self.unmatched += 1
        elif (session_id := match.group(1).decode()) in self.arrivals:
            self.duplicates += 1
        else:
            self.arrivals[session_id] = arrived
        return "250 OK"

    def start(self, port: int) -> Controller:
        """Listen on ``HOST:port`` in a thread of its own."""
        controller = Controller(self, hostname=HOST, port=port)
        controller.start()
        return controller


MILESTONES: dict[tuple[str, str], tuple[str, str, str]] = {
    ("ledger", "provider_event_handled"): ("ledger paid", "status", "paid"),
    ("fulfillment", "fulfillment_issued"): ("fulfilled", "event", "fulfillment_issued"),
    ("notifier", "email_queued"): ("mail queued", "kind", "receipt"),
}
"""(service, log event) → (milestone, a field and the value it must have). Best effort:
a renamed log event leaves its milestone empty."""


class ServiceLogs:
    """Per-session milestone times from the services' JSON logs, on this process's clock.

    Also counts warning and error lines per (service, event): the first sign of trouble.
    """

    def __init__(self, logs: dict[str, Path]) -> None:
        self._logs = logs
        self._read = dict.fromkeys(logs, 0)
        self._wall_minus_perf = time.time() - time.perf_counter()
        self.times: dict[str, dict[str, float]] = {m[0]: {} for m in MILESTONES.values()}
        self.warnings: Counter[tuple[str, str]] = Counter()

    def at(self, milestone: str, session_id: str) -> float:
        """When ``session_id`` reached ``milestone`` (``perf_counter``), NaN if not logged."""
        return self.times[milestone].get(session_id, NAN)

    def update(self) -> None:
        """Read what the services logged since the last call."""
        for service, path in self._logs.items():
            with path.open("rb") as log:
                log.seek(self._read[service])
                data = log.read()
            complete = data[: data.rfind(b"\n") + 1]
            self._read[service] += len(complete)
            for line in complete.splitlines():
                self._line(service, line)

    def _line(self, service: str, line: bytes) -> None:
        try:
            record = json.loads(line)
        except ValueError:
            return
        if not isinstance(record, dict):
            return
        event = str(record.get("event"))
        if record.get("level") in {"warning", "error", "critical"}:
            self.warnings[service, event] += 1
        milestone = MILESTONES.get((service, event))
        if milestone is None or record.get(milestone[1]) != milestone[2]:
            return
        session_id, stamp = record.get("session_id"), record.get("timestamp")
        if isinstance(session_id, str) and isinstance(stamp, str):
            with contextlib.suppress(ValueError):
                wall = datetime.fromisoformat(stamp).timestamp()
                self.times[milestone[0]].setdefault(session_id, wall - self._wall_minus_perf)


@dataclass(frozen=True)
class Merchant:
    """A merchant and its API key."""

    id: str
    api_key: str

    @property
    def auth(self) -> dict[str, str]:
        """The ``Authorization`` header of the merchant API and the stream."""
        return {"Authorization": f"Bearer {self.api_key}"}


@dataclass(slots=True)
class Track:
    """One session's way through the system; NaN until a step happened."""

    session_id: str
    merchant: Merchant
    request: SignedRequest | None = None
    scheduled_at: float = NAN
    sent_at: float = NAN
    answered_at: float = NAN
    status_code: int = 0
    paid_at: float = NAN
    issued_at: float = NAN


class Driver:
    """Talks to the running system over HTTP and WebSocket; ``tracks`` by session id."""

    def __init__(self, system: System, mail: MailRecorder, http: httpx.AsyncClient) -> None:
        self.system = system
        self.mail = mail
        self.tracks: dict[str, Track] = {}
        self.logs = ServiceLogs(system.logs)
        self.stream_drops = 0
        self._http = http
        self._settings = Settings(_env_file=None, stripe={"webhook_secrets": STRIPE_SECRET})
        self._paid = STRIPE_SAMPLES["payment_intent.succeeded"]

    async def merchants(self, count: int) -> list[Merchant]:
        """``count`` new merchants (``ledger.operations.create_merchant``)."""
        created = []
        for n in range(count):
            merchant = await create_merchant(self.system.database_url, f"Bench Shop {n + 1}")
            created.append(Merchant(merchant["merchant_id"], merchant["api_key"]))
        return created

    async def create_session(self, merchant: Merchant, n: int) -> Track:
        """``POST /v1/sessions`` for a Stripe payment with a customer email."""
        response = await self._http.post(
            f"{self.system.urls['ledger']}/v1/sessions",
            headers=merchant.auth,
            json={
                "amount": AMOUNT,
                "currency": CURRENCY.lower(),
                "provider": "stripe",
                "product": "Bench plan",
                "customer": {"email": f"customer{n}@example.com", "name": f"Customer {n}"},
            },
        )
        if response.status_code != 201:
            raise RuntimeError(f"POST /v1/sessions: {response.status_code} {response.text[:200]}")
        track = Track(response.json()["id"], merchant)
        self.tracks[track.session_id] = track
        return track

    async def create_sessions(
        self, merchants: Sequence[Merchant], count: int, concurrency: int
    ) -> list[Track]:
        """``count`` sessions, round-robin over ``merchants``, each with its signed webhook."""
        gate = asyncio.Semaphore(concurrency)

        async def one(n: int) -> Track:
            async with gate:
                track = await self.create_session(merchants[n % len(merchants)], n)
            self.sign(track)
            return track

        return list(await asyncio.gather(*(one(n) for n in range(count))))

    def sign(self, track: Track) -> None:
        """Build the Stripe-signed ``payment_intent.succeeded`` for the session, signed now."""
        payment_intent = f"pi_bench_{track.session_id[4:]}"
        session = SampleSession(track.session_id, AMOUNT, CURRENCY, payment_intent)
        track.request = self._paid(self._settings, session)

    async def post_webhook(self, track: Track) -> None:
        """Send the session's webhook to ingress; stamps ``sent_at`` and the answer."""
        if track.request is None:
            self.sign(track)
        assert track.request is not None
        request = track.request
        track.sent_at = time.perf_counter()
        try:
            response = await self._http.post(
                f"{self.system.urls['ingress']}{request.path}",
                content=request.body,
                headers=request.headers,
            )
            track.status_code = response.status_code
        except httpx.HTTPError:
            track.status_code = 0
        track.answered_at = time.perf_counter()

    def stream_url(self, session_id: str | None = None, last_event_id: str | None = None) -> str:
        """``ws://.../v1/stream`` for one session or (no ``session_id``) the whole merchant."""
        query = {"session": session_id, "last_event_id": last_event_id}
        encoded = urlencode({k: v for k, v in query.items() if v is not None})
        base = self.system.urls["notifier"].replace("http://", "ws://", 1)
        return f"{base}/v1/stream" + (f"?{encoded}" if encoded else "")

    def session_stream(self, track: Track) -> connect:
        """A WebSocket following ``track``'s session with its merchant's key."""
        return connect(
            self.stream_url(track.session_id),
            additional_headers=track.merchant.auth,
            open_timeout=20,
        )

    async def read_until_issued(self, ws: ClientConnection, track: Track) -> None:
        """Record stream messages until the session's ``fulfillment.issued``."""
        async for raw in ws:
            self.record(json.loads(raw), time.perf_counter())
            if not math.isnan(track.issued_at):
                return

    async def follow_merchant(self, merchant: Merchant, connected: asyncio.Event) -> None:
        """Record every message of the merchant's stream, resuming after a drop, until cancelled."""
        last_event_id: str | None = None
        while True:
            try:
                url = self.stream_url(last_event_id=last_event_id)
                async with connect(url, additional_headers=merchant.auth, open_timeout=20) as ws:
                    connected.set()
                    async for raw in ws:
                        message = json.loads(raw)
                        last_event_id = message["id"]
                        self.record(message, time.perf_counter())
            except (ConnectionClosed, InvalidHandshake, OSError, TimeoutError):
                pass
            self.stream_drops += 1
            await asyncio.sleep(0.2)

    @contextlib.asynccontextmanager
    async def merchant_streams(self, merchants: Iterable[Merchant]) -> AsyncIterator[None]:
        """Follow the merchants' streams (connected on entry) while the block runs."""
        events = []
        tasks = []
        for merchant in merchants:
            connected = asyncio.Event()
            events.append(connected)
            tasks.append(asyncio.create_task(self.follow_merchant(merchant, connected)))
        try:
            await asyncio.wait_for(asyncio.gather(*(e.wait() for e in events)), 30)
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def record(self, message: dict[str, Any], at: float) -> None:
        """Stamp the track a stream message is about (the first sighting counts)."""
        track = self.tracks.get(message.get("session_id", ""))
        if track is None:
            return
        if message.get("type") == "payment.paid" and math.isnan(track.paid_at):
            track.paid_at = at
        elif message.get("type") == "fulfillment.issued" and math.isnan(track.issued_at):
            track.issued_at = at

    def mailed_at(self, track: Track) -> float:
        """When the session's receipt reached the SMTP server, NaN if it has not."""
        return self.mail.arrivals.get(track.session_id, NAN)

    def completed_at(self, track: Track) -> float:
        """When the session was both issued on the stream and mailed, NaN if not yet."""
        issued, mailed = track.issued_at, self.mailed_at(track)
        return NAN if math.isnan(issued) or math.isnan(mailed) else max(issued, mailed)

    def complete(self, track: Track) -> bool:
        """The session was issued (seen on the stream) and its receipt arrived."""
        return not math.isnan(track.issued_at) and track.session_id in self.mail.arrivals

    async def wait_complete(self, tracks: Sequence[Track], deadline: float) -> None:
        """Return once every track is complete, or at ``deadline`` (``perf_counter``)."""
        pending = [t for t in tracks if not self.complete(t)]
        while pending and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
            pending = [t for t in pending if not self.complete(t)]
