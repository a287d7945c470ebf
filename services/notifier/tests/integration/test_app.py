"""The notifier's HTTP surface and its migrations."""

from __future__ import annotations

import httpx
import pytest
from notifier.migrations import migrate

pytestmark = pytest.mark.integration


async def test_health_readiness_and_metrics_answer(start_notifier, smtp):
    """/healthz, /readyz (database, broker, consumers) and /metrics answer 200."""
    url = await start_notifier(smtp_port=smtp.port)

    async with httpx.AsyncClient(base_url=url) as client:
        health = await client.get("/healthz")
        ready = await client.get("/readyz")
        metrics = await client.get("/metrics")

    assert (health.status_code, health.json()) == (200, {"status": "ok"})
    assert (ready.status_code, ready.json()) == (
        200,
        {
            "status": "ready",
            "checks": {"database": "ok", "broker": "ok", "consumers": "ok"},
        },
    )
    assert (metrics.status_code, "notifier_stream_connections" in metrics.text) == (200, True)


async def test_unknown_paths_answer_in_the_error_shape(start_notifier, smtp):
    """An unknown path answers 404 in paywire's JSON error shape."""
    url = await start_notifier(smtp_port=smtp.port)

    async with httpx.AsyncClient(base_url=url) as client:
        response = await client.get("/v1/nothing")

    assert (response.status_code, response.json()) == (
        404,
        {"error": {"code": "not_found", "message": "Not Found"}},
    )


async def test_migrating_again_changes_nothing(database_url, db):
    """Running the migrations on an up-to-date schema is a no-op."""
    await migrate(database_url)

    version = await db.fetchval("SELECT version_num FROM notifier.alembic_version")
    tables = await db.fetch(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'notifier'"
        " ORDER BY table_name"
    )
    assert (version, [row["table_name"] for row in tables]) == (
        "0001",
        ["alembic_version", "emails", "inbox", "stream_log"],
    )
