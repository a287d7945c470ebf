"""Real Postgres, RabbitMQ, SMTP (aiosmtpd) and uvicorn servers for the notifier's tests.

The fake upstreams server plays fulfillment's JWKS and the ledger's ``/v1/merchant``;
notifier instances run in-process under uvicorn on free loopback ports.
"""

from __future__ import annotations

import asyncio
import email
import inspect
import json
import os
import socket
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import asyncpg
import httpx
import jwt
import pytest
import uvicorn
from aiosmtpd.controller import Controller
from common.db.engine import asyncpg_dsn
from common.events import CloudEvent
from common.ids import new_event_id, new_id, random_token
from common.messaging import AmqpConnection, AmqpPublisher
from common.settings import SmtpSettings
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI, Header
from fastapi.responses import JSONResponse
from notifier.app import create_app
from notifier.migrations import migrate
from notifier.settings import NotifierServiceSettings, NotifierSettings
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

ADMIN_URL = os.environ.get(
    "PAYWIRE_TEST_ADMIN_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
DATABASE = f"{os.environ['PAYWIRE_TEST_DB_PREFIX']}_notifier"
AMQP_URL = os.environ.get("PAYWIRE_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
OCCURRED_AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 15.0) -> None:
    """Poll ``check`` until it holds, failing after ``within`` seconds."""
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """An ASGI app served by uvicorn on a free loopback port, inside the test loop."""

    def __init__(self, app: Any) -> None:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, lifespan="on", log_config=None, ws="websockets-sansio")
        self._server = uvicorn.Server(config)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._server.serve(sockets=[self._sock]))
        while not self._server.started:
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.02)

    async def stop(self) -> None:
        self._server.should_exit = True
        if self._task is not None:
            await self._task


class Upstreams:
    """Fulfillment's JWKS and the ledger's merchant lookup, with a real Ed25519 key."""

    def __init__(self) -> None:
        self.kid = "key-" + random_token(6)
        self.key = Ed25519PrivateKey.generate()
        self.merchants: dict[str, str] = {}
        self.url = ""
        self.app = FastAPI()
        self.app.get("/.well-known/jwks.json")(self._jwks)
        self.app.get("/v1/merchant")(self._merchant)

    async def _jwks(self) -> dict[str, Any]:
        public = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**public, "kid": self.kid, "alg": "EdDSA", "use": "sig"}]}

    async def _merchant(self, authorization: str = Header("")) -> JSONResponse:
        merchant_id = self.merchants.get(authorization.removeprefix("Bearer "))
        if merchant_id is None:
            return JSONResponse({"error": {"code": "unauthorized"}}, status_code=401)
        return JSONResponse({"id": merchant_id, "name": "Test merchant"})

    def add_merchant(self) -> tuple[str, str]:
        """A new merchant id and its API key."""
        merchant_id, api_key = new_id("mer"), "pwk_test_" + random_token()
        self.merchants[api_key] = merchant_id
        return merchant_id, api_key

    def token(
        self,
        session_id: str,
        merchant_id: str,
        expires_in: timedelta = timedelta(days=7),
        key: Ed25519PrivateKey | None = None,
    ) -> str:
        """An access token as fulfillment issues it."""
        claims = {
            "sid": session_id,
            "aud": merchant_id,
            "exp": datetime.now(UTC) + expires_in,
            "iat": datetime.now(UTC),
        }
        return jwt.encode(claims, key or self.key, algorithm="EdDSA", headers={"kid": self.kid})


class Mailbox:
    """What the SMTP server received; aiosmtpd handles mail on its own thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        with self._lock:
            self._messages.append(message)
        return "250 OK"

    def for_session(self, session_id: str) -> list[EmailMessage]:
        with self._lock:
            return [m for m in self._messages if session_id in str(m["Message-ID"])]


class SmtpServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.mailbox = Mailbox()
        self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=port)

        self._started = False

    def start(self) -> None:
        self._controller.start()
        self._started = True

    def stop(self) -> None:
        if self._started:
            self._controller.stop()


class Events:
    """Builds and publishes the ledger's and fulfillment's events."""

    def __init__(self, publisher: AmqpPublisher) -> None:
        self._publisher = publisher

    def payment(
        self,
        session_id: str,
        merchant_id: str,
        status: str,
        previous_status: str = "pending",
        email_address: str | None = "customer@example.com",
        amount_refunded: int = 0,
    ) -> CloudEvent:
        customer = {"name": "Asha"} | ({"email": email_address} if email_address else {})
        return CloudEvent(
            id=new_event_id(),
            source="paywire/ledger",
            type=f"paywire.payment.{status}",
            subject=session_id,
            data={
                "session_id": session_id,
                "merchant_id": merchant_id,
                "merchant_name": "Acme Tools",
                "status": status,
                "previous_status": previous_status,
                "amount": 49900,
                "currency": "INR",
                "amount_refunded": amount_refunded,
                "provider": "razorpay",
                "customer": customer,
                "product": "Pro plan",
                "metadata": {"internal": "x"},
                "occurred_at": OCCURRED_AT.isoformat(),
            },
        )

    def issued(self, session_id: str, merchant_id: str, access_url: str) -> CloudEvent:
        return CloudEvent(
            id=new_event_id(),
            source="paywire/fulfillment",
            type="paywire.fulfillment.issued",
            subject=session_id,
            data={
                "session_id": session_id,
                "merchant_id": merchant_id,
                "merchant_name": "Acme Tools",
                "customer": {"name": "Asha", "email": "customer@example.com"},
                "product": "Pro plan",
                "amount": 49900,
                "currency": "INR",
                "invoice_id": "inv_1",
                "invoice_number": "ACME-000042",
                "api_key_id": "key_1",
                "access_url": access_url,
                "token_expires_at": "2026-01-09T03:04:05Z",
                "occurred_at": OCCURRED_AT.isoformat(),
            },
        )

    async def publish(self, event: CloudEvent) -> None:
        await self._publisher.publish(event, event.type.removeprefix("paywire."))


class Streams:
    """Opens ``/v1/stream`` connections with the ``websockets`` client."""

    def open(self, base_url: str, api_key: str | None = None, **params: str) -> Any:
        query = "&".join(f"{name}={value}" for name, value in params.items())
        url = base_url.replace("http://", "ws://") + "/v1/stream" + (f"?{query}" if query else "")
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else None
        return connect(url, additional_headers=headers, open_timeout=5)

    async def receive(self, ws: Any, within: float = 10.0) -> dict[str, Any]:
        return json.loads(await asyncio.wait_for(ws.recv(), within))

    async def receive_n(self, ws: Any, count: int) -> list[dict[str, Any]]:
        return [await self.receive(ws) for _ in range(count)]

    async def assert_silent(self, ws: Any, seconds: float = 0.7) -> None:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(ws.recv(), seconds)

    async def close_code(self, ws: Any) -> tuple[int, str]:
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 10)
        assert closed.value.rcvd is not None
        return closed.value.rcvd.code, closed.value.rcvd.reason


@pytest.fixture
def streams() -> Streams:
    return Streams()


@pytest.fixture(scope="session")
async def database_url() -> str:
    admin = await asyncpg.connect(asyncpg_dsn(ADMIN_URL))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{DATABASE}"')
    finally:
        await admin.close()
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{DATABASE}"
    await migrate(url)
    return url


@pytest.fixture(scope="session")
async def db(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(asyncpg_dsn(database_url))
    yield connection
    await connection.close()


@pytest.fixture
def wait_until() -> Callable[..., Awaitable[None]]:
    """Waits until a probe (plain or async) returns something truthy."""

    async def wait(probe: Callable[[], Any], what: str, within: float = 15.0) -> None:
        async def holds() -> bool:
            value = probe()
            return bool(await value if inspect.isawaitable(value) else value)

        try:
            await eventually(holds, within)
        except AssertionError as exc:
            raise AssertionError(f"not {what} within {within}s") from exc

    return wait


@pytest.fixture
def stream_id(db: asyncpg.Connection) -> Callable[[str], Awaitable[str | None]]:
    """The stream id the log gave an event, as clients see it (None until recorded)."""

    async def lookup(event_id: str) -> str | None:
        value = await db.fetchval(
            "SELECT id FROM notifier.stream_log WHERE event_id = $1", event_id
        )
        return None if value is None else str(value)

    return lookup


@pytest.fixture(scope="session")
async def upstreams() -> AsyncIterator[Upstreams]:
    fake = Upstreams()
    server = Server(fake.app)
    await server.start()
    fake.url = server.url
    yield fake
    await server.stop()


@pytest.fixture(scope="session")
async def events() -> AsyncIterator[Events]:
    connection = AmqpConnection(AMQP_URL)
    publisher = AmqpPublisher(connection)
    yield Events(publisher)
    await publisher.close()
    await connection.close()


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_not_started() -> Iterator[SmtpServer]:
    """An SMTP server whose port nothing listens on until the test calls ``start()``."""
    server = SmtpServer(free_port())
    yield server
    server.stop()


NotifierFactory = Callable[..., Awaitable[str]]


@pytest.fixture
async def start_notifier(database_url: str, upstreams: Upstreams) -> AsyncIterator[NotifierFactory]:
    """Starts notifier instances (``smtp_port=``) and waits until each is ready."""
    running: list[Server] = []

    async def start(smtp_port: int) -> str:
        settings = NotifierSettings(
            _env_file=None,
            env="test",
            database_url=database_url,
            amqp_url=AMQP_URL,
            smtp=SmtpSettings(host="127.0.0.1", port=smtp_port),
            fulfillment_url=upstreams.url,
            ledger_url=upstreams.url,
            notifier=NotifierServiceSettings(
                email_retry_base_seconds=0.2,
                email_retry_max_seconds=1.0,
                email_poll_seconds=0.2,
                smtp_timeout_seconds=5.0,
                stream_poll_seconds=0.5,
            ),
        )
        server = Server(create_app(settings))
        await server.start()
        running.append(server)
        async with httpx.AsyncClient(base_url=server.url) as client:

            async def ready() -> bool:
                return (await client.get("/readyz")).status_code == 200

            await eventually(ready)
        return server.url

    yield start
    for server in reversed(running):
        await server.stop()
