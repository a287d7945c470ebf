"""``/healthz`` (the process runs), ``/readyz`` (its dependencies answer), ``/metrics``."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest

__all__ = ["ReadinessCheck", "health_router"]

ReadinessCheck = Callable[[], Awaitable[bool]]
"""An async probe of one dependency: True when it is reachable."""


def health_router(
    checks: Mapping[str, ReadinessCheck],
    registry: CollectorRegistry = REGISTRY,
    timeout_seconds: float = 3.0,
) -> APIRouter:
    """Routes for liveness, readiness over ``checks``, and Prometheus metrics."""
    router = APIRouter(include_in_schema=False)

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz")
    async def readyz() -> JSONResponse:
        names = list(checks)
        results = await asyncio.gather(*(_bounded(checks[n], timeout_seconds) for n in names))
        status = dict(zip(names, ("ok" if ok else "unavailable" for ok in results), strict=True))
        ready = all(results)
        return JSONResponse(
            {"status": "ready" if ready else "not_ready", "checks": status},
            status_code=200 if ready else 503,
        )

    @router.get("/metrics")
    async def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return router


async def _bounded(check: ReadinessCheck, seconds: float) -> bool:
    try:
        async with asyncio.timeout(seconds):
            return await check()
    except Exception:
        return False
