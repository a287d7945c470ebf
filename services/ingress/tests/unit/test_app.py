"""The app's health, readiness and metrics endpoints, and its error shape."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families


@pytest.mark.parametrize(
    ("path", "status", "body"),
    [
        ("/healthz", 200, {"status": "ok"}),
        ("/readyz", 200, {"status": "ready", "checks": {}}),
    ],
)
async def test_probe_answers(client_for, publisher, path: str, status: int, body: object) -> None:
    """The process is live; with an injected publisher there is no broker to check."""
    async with client_for(publisher) as client:
        response = await client.get(path)
    assert (response.status_code, response.json()) == (status, body)


async def test_metrics_count_webhooks_by_provider_and_outcome(client_for, publisher) -> None:
    """Each answered webhook is counted and timed by provider and outcome."""
    async with client_for(publisher) as client:
        await client.post("/webhooks/stripe", content=b"{}")
        await client.post("/webhooks/nowhere", content=b"{}")
        text = (await client.get("/metrics")).text
    wanted = {"paywire_ingress_webhooks_total", "paywire_ingress_webhook_duration_seconds_count"}
    samples = {
        (sample.name, sample.labels["provider"], sample.labels["outcome"]): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name in wanted
    }
    assert samples == {
        ("paywire_ingress_webhooks_total", "stripe", "invalid_signature"): 1.0,
        ("paywire_ingress_webhooks_total", "unknown", "unknown_provider"): 1.0,
        ("paywire_ingress_webhook_duration_seconds_count", "stripe", "invalid_signature"): 1.0,
        ("paywire_ingress_webhook_duration_seconds_count", "unknown", "unknown_provider"): 1.0,
    }


@pytest.mark.parametrize(
    ("method", "path", "status", "code", "message"),
    [
        ("GET", "/webhooks/stripe", 405, "method_not_allowed", "Method Not Allowed"),
        ("POST", "/elsewhere", 404, "not_found", "Not Found"),
    ],
)
async def test_unserved_request_answers_in_error_shape(
    client_for, publisher, method: str, path: str, status: int, code: str, message: str
) -> None:
    """A route or method ingress does not serve answers in the paywire error shape."""
    async with client_for(publisher) as client:
        response = await client.request(method, path)
    assert (response.status_code, response.json()) == (
        status,
        {"error": {"code": code, "message": message}},
    )
