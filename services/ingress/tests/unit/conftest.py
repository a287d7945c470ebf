"""Unit-test fixtures: an in-memory publisher and HTTP clients over ASGI, no servers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
import pytest
from common.events import CloudEvent
from common.messaging import Publisher, PublishFailed
from common.settings import Settings
from ingress.app import create_app


class InMemoryPublisher:
    """A ``Publisher`` that confirms every event and keeps ``(routing_key, event)`` pairs."""

    def __init__(self) -> None:
        self.published: list[tuple[str, CloudEvent]] = []

    async def publish(self, event: CloudEvent, routing_key: str) -> None:
        self.published.append((routing_key, event))


class UnavailablePublisher:
    """A ``Publisher`` whose broker never confirms."""

    async def publish(self, event: CloudEvent, routing_key: str) -> None:
        raise PublishFailed("broker unreachable")


ClientFactory = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def publisher() -> InMemoryPublisher:
    """A fresh in-memory publisher."""
    return InMemoryPublisher()


@pytest.fixture
def unavailable_publisher() -> UnavailablePublisher:
    """A publisher that always fails."""
    return UnavailablePublisher()


@pytest.fixture(scope="session")
def client_for(make_settings: Callable[..., Settings]) -> ClientFactory:
    """Opens an HTTP client on an app built with ``publisher`` and settings overrides."""

    @asynccontextmanager
    async def open_client(
        publisher: Publisher, **overrides: object
    ) -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(make_settings(**overrides), publisher)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://ingress.test") as client:
            yield client

    return open_client
