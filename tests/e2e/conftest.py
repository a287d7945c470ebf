"""End-to-end fixtures: the system as processes, and a merchant to drive it with."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.e2e


async def wait_for_status(
    client: httpx.AsyncClient,
    ledger_url: str,
    session_id: str,
    api_key: str,
    status: str,
    attempts: int = 150,
) -> dict[str, Any]:
    """Poll the session until it has ``status``; returns the last body either way."""
    body: dict[str, Any] = {}
    for _ in range(attempts):
        response = await client.get(
            f"{ledger_url}/v1/sessions/{session_id}",
            headers={"Authorization": f"Bearer {api_key}"},
        )
        body = response.json()
        if body.get("status") == status:
            return body
        await asyncio.sleep(0.1)
    return body


async def eventually(check: Callable[[], Awaitable[bool]], attempts: int = 150) -> bool:
    """True as soon as ``check`` is; False after ``attempts`` tries 0.1 s apart."""
    for _ in range(attempts):
        if await check():
            return True
        await asyncio.sleep(0.1)
    return False
