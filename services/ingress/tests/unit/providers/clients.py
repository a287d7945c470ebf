"""Shared helpers for the provider client tests: an httpx transport answering from a list."""

from __future__ import annotations

import json
from typing import Any

import httpx
from ingress.providers.http import HttpPolicy, RetryPolicy

NO_WAIT = HttpPolicy(retry=RetryPolicy(base_delay=0.0))
"""Three attempts with no wait between them."""


class Script:
    """Answers requests from a list, in order, and keeps what was asked."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def answer(status: int, body: Any = None, **headers: str) -> httpx.Response:
    """A JSON response (no body when ``body`` is None)."""
    content = b"" if body is None else json.dumps(body).encode()
    return httpx.Response(status, content=content, headers=headers)
