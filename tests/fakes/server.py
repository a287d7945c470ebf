"""What every fake provider shares: a threaded uvicorn server, a request log and faults.

A fake subclasses ``FakeApi``, lists its ``routes()`` and answers ``authenticate`` and
``error_body``; ``serving(fake)`` runs it on a free loopback port for the ``with`` block.
Handlers run on the server's thread: state they share with the test's controls is guarded
by ``fake.lock``.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

__all__ = ["FakeApi", "Faults", "Handler", "Recorded", "serving"]

Handler = Callable[[Request, dict[str, Any]], Response]
"""Answers a request, given its decoded body (form fields as sent, or the JSON object)."""


@dataclass(frozen=True)
class Recorded:
    """One request as the fake received it; header names are lower-case."""

    method: str
    path: str
    headers: dict[str, str]
    query: dict[str, str]
    body: dict[str, Any]


@dataclass
class _Fault:
    match: str | None
    status: int | None = None
    body: dict[str, Any] | None = None
    delay: float = 0.0


@dataclass
class Faults:
    """Failures scripted for the next requests, taken in order by the requests they match.

    ``match`` is a substring of ``"<METHOD> <path>"``; None matches every request.
    """

    _queue: list[_Fault] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(
        self,
        status: int = 500,
        times: int = 1,
        match: str | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        """Answer ``status`` (with the provider's error body unless ``body`` is given)
        instead of handling the request, ``times`` times."""
        with self._lock:
            self._queue.extend(_Fault(match, status, body) for _ in range(times))

    def hang(self, seconds: float = 1.0, times: int = 1, match: str | None = None) -> None:
        """Wait ``seconds`` before handling the request (its effect still happens, as at a
        real provider whose answer was lost to a client timeout), ``times`` times."""
        with self._lock:
            self._queue.extend(_Fault(match, delay=seconds) for _ in range(times))

    def clear(self) -> None:
        """Forget every scripted failure."""
        with self._lock:
            self._queue.clear()

    def take(self, method: str, path: str) -> _Fault | None:
        """The next scripted failure for this request, removed from the script."""
        line = f"{method} {path}"
        with self._lock:
            for index, fault in enumerate(self._queue):
                if fault.match is None or fault.match in line:
                    return self._queue.pop(index)
        return None


class FakeApi:
    """A fake provider API: subclasses give the routes, authentication and error bodies."""

    def __init__(self) -> None:
        self.url = ""
        self.faults = Faults()
        self.requests: list[Recorded] = []
        self.lock = threading.RLock()

    def routes(self) -> list[tuple[str, str, Handler]]:
        """``(method, path template, handler)`` for every call the fake answers."""
        raise NotImplementedError

    def authenticate(self, request: Request) -> Response | None:
        """None when the request carries the right credentials, else the provider's 401."""
        raise NotImplementedError

    def error_body(self, status: int) -> dict[str, Any]:
        """The provider's body for a scripted failure with ``status``."""
        raise NotImplementedError

    def requests_to(self, method: str, path: str) -> list[Recorded]:
        """The recorded requests with this method and exact path."""
        with self.lock:
            return [r for r in self.requests if r.method == method and r.path == path]

    def reset(self) -> None:
        """Forget recorded requests and scripted faults (the provider's objects stay)."""
        self.faults.clear()
        with self.lock:
            self.requests.clear()

    def app(self) -> Starlette:
        """The ASGI app serving ``routes()``."""
        return Starlette(
            routes=[
                Route(path, self._endpoint(handler), methods=[method])
                for method, path, handler in self.routes()
            ]
        )

    def _endpoint(self, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            body = _decode(await request.body(), request.headers.get("content-type", ""))
            recorded = Recorded(
                request.method,
                request.url.path,
                {k.lower(): v for k, v in request.headers.items()},
                dict(request.query_params),
                body,
            )
            with self.lock:
                self.requests.append(recorded)
            fault = self.faults.take(request.method, request.url.path)
            if fault is not None and fault.delay:
                await asyncio.sleep(fault.delay)
            if fault is not None and fault.status is not None:
                error = fault.body if fault.body is not None else self.error_body(fault.status)
                return JSONResponse(error, status_code=fault.status)
            refused = self.authenticate(request)
            if refused is not None:
                return refused
            with self.lock:
                return handler(request, body)

        return endpoint


def _decode(raw: bytes, content_type: str) -> dict[str, Any]:
    if not raw:
        return {}
    if content_type.startswith("application/x-www-form-urlencoded"):
        return dict(parse_qsl(raw.decode(), keep_blank_values=True))
    decoded = json.loads(raw)
    return decoded if isinstance(decoded, dict) else {"_": decoded}


@contextmanager
def serving(fake: FakeApi) -> Iterator[FakeApi]:
    """Serve ``fake`` on a free loopback port for the block; sets ``fake.url``."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        fake.app(), log_config=None, access_log=False, lifespan="off", timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the fake provider server did not start")
        time.sleep(0.01)
    fake.url = f"http://127.0.0.1:{port}"
    try:
        yield fake
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
