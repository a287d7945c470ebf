import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import structlog
from common.logging import configure_logging

pytestmark = pytest.mark.integration


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """paywire's real JSON logging, written to a buffer, undone afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_logging("INFO", "json")
    buffer = io.StringIO()
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(buffer)
    yield buffer
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.reset_defaults()


async def test_tokens_and_keys_never_reach_a_log_line(
    log_lines: io.StringIO, client: httpx.AsyncClient, issue: Any, merchant: Any
) -> None:
    """Issuing, the access page, the PDF and introspection log neither token nor key."""
    issued = await issue(merchant[0])
    page = await client.get(f"/v1/access/{issued.token}", headers={"Accept": "application/json"})
    key = page.json()["api_key"]["key"]
    await client.get(f"/v1/invoices/{issued.invoice_id}.pdf", params={"token": issued.token})
    await client.post(
        "/v1/api-keys/introspect",
        json={"key": key},
        headers={"Authorization": f"Bearer {merchant[1]}"},
    )
    out = log_lines.getvalue()
    events = {json.loads(line)["event"] for line in out.splitlines()}
    assert {"fulfillment_issued", "access_page_served", "http_request"} <= events
    assert [secret in out for secret in (issued.token, key, merchant[1])] == [False, False, False]
