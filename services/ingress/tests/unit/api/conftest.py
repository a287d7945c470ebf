"""Fixtures for the Pi routes: the fake Pi Platform API and fake ledger, served once per module
on loopback, and an ingress app wired to them through its lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass

import httpx
import pytest
from asgi_lifespan import LifespanManager
from common.messaging import Publisher
from common.provider_settings import PiSettings
from ingress.app import create_app
from ingress.settings import IngressSettings

# The tests are no package: a parent-relative import is how pytest's importlib mode finds them.
from ...fakes import FakeLedger, FakePiPlatform, serve  # noqa: TID252

API_KEY = "pi_server_key_0123456789abcdefghijklmnop"
PI = "3.1415926"
PI_MINOR = 31_415_926


@dataclass
class World:
    """The fakes and their URLs."""

    pi: FakePiPlatform
    ledger: FakeLedger
    pi_url: str
    ledger_url: str


@pytest.fixture(scope="module")
async def served() -> AsyncIterator[World]:
    """The fakes, served once for the module."""
    pi, ledger = FakePiPlatform(API_KEY), FakeLedger()
    async with serve(pi.app) as pi_url, serve(ledger.app) as ledger_url:
        yield World(pi, ledger, pi_url, ledger_url)


@pytest.fixture
def world(served: World) -> World:
    """The served fakes, with no payments, sessions or calls yet."""
    served.pi.reset()
    served.ledger.sessions.clear()
    return served


PiClient = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def pi_client(world: World) -> PiClient:
    """An ingress app (run through its lifespan) wired to the fakes, with ``publisher``."""

    @asynccontextmanager
    async def open_client(
        publisher: Publisher,
        *,
        pi_url: str | None = None,
        ledger_url: str | None = None,
        api_key: str | None = API_KEY,
    ) -> AsyncIterator[httpx.AsyncClient]:
        settings = IngressSettings(
            _env_file=None,
            pi=PiSettings(api_key=api_key, api_base=pi_url or world.pi_url),
            ledger_url=ledger_url or world.ledger_url,
            max_body_bytes=4096,
        )
        app = create_app(settings, publisher)
        async with (
            LifespanManager(app) as manager,
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=manager.app), base_url="http://ingress.test"
            ) as client,
        ):
            yield client

    return open_client
