import asyncio
from collections.abc import Mapping

import httpx
from common.web import ReadinessCheck, health_router, install_error_handlers
from fastapi import FastAPI
from prometheus_client import CollectorRegistry, Gauge


async def ok() -> bool:
    return True


async def down() -> bool:
    return False


async def raises() -> bool:
    raise ConnectionRefusedError("db down")


async def hangs() -> bool:
    await asyncio.Event().wait()
    return True


def client_for(
    checks: Mapping[str, ReadinessCheck],
    registry: CollectorRegistry | None = None,
    timeout_seconds: float = 3.0,
) -> httpx.AsyncClient:
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(
        health_router(checks, registry or CollectorRegistry(), timeout_seconds=timeout_seconds)
    )
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def readyz(client: httpx.AsyncClient) -> tuple[int, object]:
    async with client, asyncio.timeout(10):
        response = await client.get("/readyz")
    return response.status_code, response.json()


async def test_healthz_answers_while_the_process_runs() -> None:
    """``/healthz`` is 200 whatever the dependencies do."""
    async with client_for({"db": down}) as client:
        response = await client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_readyz_is_200_when_every_check_passes() -> None:
    """All checks passing makes the process ready."""
    assert await readyz(client_for({"db": ok, "amqp": ok})) == (
        200,
        {"status": "ready", "checks": {"db": "ok", "amqp": "ok"}},
    )


async def test_readyz_is_503_when_a_check_fails() -> None:
    """One failing check makes the process not ready and names the check."""
    assert await readyz(client_for({"db": ok, "amqp": down})) == (
        503,
        {"status": "not_ready", "checks": {"db": "ok", "amqp": "unavailable"}},
    )


async def test_a_check_that_raises_counts_as_unavailable() -> None:
    """A check that raises is a failing check, not a 500."""
    assert await readyz(client_for({"db": raises, "amqp": ok})) == (
        503,
        {"status": "not_ready", "checks": {"db": "unavailable", "amqp": "ok"}},
    )


async def test_a_check_that_hangs_times_out_as_unavailable() -> None:
    """A check that never answers fails after the timeout, and readyz still answers."""
    assert await readyz(client_for({"db": hangs, "amqp": ok}, timeout_seconds=0.2)) == (
        503,
        {"status": "not_ready", "checks": {"db": "unavailable", "amqp": "ok"}},
    )


async def test_metrics_exposes_the_registry() -> None:
    """``/metrics`` renders the given registry in the Prometheus text format."""
    registry = CollectorRegistry()
    Gauge("paywire_test_depth", "Messages waiting.", registry=registry).set(3)
    async with client_for({}, registry) as client:
        response = await client.get("/metrics")
    assert (response.status_code, response.headers["content-type"], response.text) == (
        200,
        "text/plain; version=1.0.0; charset=utf-8",
        "# HELP paywire_test_depth Messages waiting.\n"
        "# TYPE paywire_test_depth gauge\n"
        "paywire_test_depth 3.0\n",
    )
