"""Calling a provider's HTTP API: a timeout on every call, retries only where safe, errors mapped.

A call is retried only when repeating it cannot do anything twice: a GET, or a POST the
provider deduplicates by an idempotency key (the caller says so with ``repeatable=True``).
What is retried: timeouts, connection failures, 5xx, 429 and unreadable answers, with
exponential backoff and full jitter (a ``Retry-After`` is honoured up to the backoff cap).
A 4xx is the provider's answer and is raised at once. Credentials travel only in request
headers, which are never logged; a 401/403 message is replaced because some providers echo
part of the key in it.

Errors::

    ProviderApiError            the provider refused the request (4xx): its code and message
     └── ProviderApiUnavailable  timeout, connection failure, 5xx, 429 or an unreadable answer
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
from common.events import RawBody
from common.logging import get_logger
from pydantic import BaseModel

__all__ = [
    "ApiReply",
    "ErrorParser",
    "HttpPolicy",
    "ProviderApi",
    "ProviderApiError",
    "ProviderApiUnavailable",
    "RetryPolicy",
    "error_object",
    "read_model",
    "reading",
]

log = get_logger(__name__)

ErrorParser = Callable[[Any], tuple[str | None, str | None]]
"""Reads ``(code, message)`` from a provider's decoded error body (any JSON value, or None)."""

M = TypeVar("M", bound=BaseModel)

_FALLBACK_CODES = {400: "invalid_request", 404: "not_found", 409: "conflict", 429: "rate_limited"}
_AUTH_FAILED = "provider_authentication_failed"


class ProviderApiError(Exception):
    """The provider refused the request; ``code`` and ``message`` are safe to show."""

    def __init__(self, code: str, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


class ProviderApiUnavailable(ProviderApiError):
    """The provider could not be reached or failed on its side; the call may be retried."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """``attempts`` in all; before retry ``n`` (from 0) wait a uniformly random time below
    ``min(max_delay, base_delay * 2**n)`` seconds ("full jitter")."""

    attempts: int = 3
    base_delay: float = 0.25
    max_delay: float = 4.0

    def cap(self, retry: int) -> float:
        """The longest wait before retry ``retry``."""
        return min(self.max_delay, self.base_delay * 2.0**retry)

    def delay(self, retry: int, rand: float, retry_after: float | None = None) -> float:
        """The wait before retry ``retry`` for ``rand`` in [0, 1); at least ``retry_after``
        (capped at ``max_delay``) when the provider asked for it."""
        jittered = rand * self.cap(retry)
        if retry_after is None:
            return jittered
        return max(jittered, min(retry_after, self.max_delay))


@dataclass(frozen=True, slots=True)
class HttpPolicy:
    """How long one attempt may take, and how calls are retried."""

    timeout: float = 10.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    def worst_case_seconds(self) -> float:
        """The longest a call can take with every attempt timing out."""
        waits = sum(self.retry.cap(n) for n in range(self.retry.attempts - 1))
        return self.retry.attempts * self.timeout + waits


@dataclass(frozen=True, slots=True)
class ApiReply:
    """A provider's 2xx answer: the decoded JSON and its text, for the audit log."""

    data: Any
    text: str

    @property
    def raw(self) -> RawBody:
        """The answer as an audited raw body."""
        return RawBody(content_type="application/json", text=self.text)


class ProviderApi:
    """One provider's API over a shared ``httpx.AsyncClient``: base URL, credentials, policy."""

    def __init__(
        self,
        provider: str,
        http: httpx.AsyncClient,
        base_url: str,
        *,
        parse_error: ErrorParser,
        headers: Mapping[str, str] | None = None,
        auth: httpx.Auth | None = None,
        policy: HttpPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.provider = provider
        self._http = http
        self._base_url = base_url.rstrip("/")
        self._parse_error = parse_error
        self._headers = dict(headers or {})
        self._auth = auth
        self._policy = policy or HttpPolicy()
        self._sleep = sleep
        self._rand = rand

    def __repr__(self) -> str:
        return f"ProviderApi({self.provider!r}, {self._base_url!r})"

    async def call(
        self,
        method: str,
        path: str,
        *,
        repeatable: bool | None = None,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        form: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> ApiReply:
        """Send the request; ``repeatable`` (default: only for GET) allows retries."""
        retry = self._policy.retry
        if repeatable is None:
            repeatable = method == "GET"
        attempts = retry.attempts if repeatable else 1
        attempt = 0
        while True:
            try:
                return await self._attempt(method, path, params, json, form, headers)
            except _Retryable as failure:
                attempt += 1
                facts = {"provider": self.provider, "method": method, "path": path}
                if attempt >= attempts:
                    log.warning(
                        "provider_call_failed", attempts=attempt, code=failure.error.code, **facts
                    )
                    raise failure.error from failure.__cause__
                wait = retry.delay(attempt - 1, self._rand(), failure.retry_after)
                log.info(
                    "provider_call_retry",
                    attempt=attempt,
                    code=failure.error.code,
                    wait_seconds=round(wait, 3),
                    **facts,
                )
                await self._sleep(wait)

    async def _attempt(
        self,
        method: str,
        path: str,
        params: Mapping[str, str] | None,
        json: Any,
        form: Mapping[str, str] | None,
        headers: Mapping[str, str] | None,
    ) -> ApiReply:
        try:
            response = await self._http.request(
                method,
                self._base_url + path,
                params=params,
                json=json,
                data=form,
                headers={**self._headers, **(headers or {})},
                auth=self._auth,
                timeout=self._policy.timeout,
            )
        except httpx.TimeoutException as exc:
            message = f"{self.provider} did not answer within {self._policy.timeout:g}s"
            raise _Retryable(ProviderApiUnavailable("timeout", message)) from exc
        except httpx.TransportError as exc:
            message = f"{self.provider} could not be reached ({type(exc).__name__})"
            raise _Retryable(ProviderApiUnavailable("connection_failed", message)) from exc
        return self._reply(response)

    def _reply(self, response: httpx.Response) -> ApiReply:
        status = response.status_code
        body = _decode(response)
        if 200 <= status < 300:
            if body is _UNREADABLE:
                message = f"{self.provider} answered {status} with a body that is not JSON"
                raise _Retryable(ProviderApiUnavailable("invalid_response", message, status))
            return ApiReply(body, response.text)
        if status in (401, 403):
            message = f"{self.provider} refused paywire's API credentials (HTTP {status})"
            raise ProviderApiError(_AUTH_FAILED, message, status)
        said_code, said_message = self._parse_error(None if body is _UNREADABLE else body)
        code = said_code or _FALLBACK_CODES.get(status, "provider_error")
        message = said_message or f"{self.provider} answered HTTP {status}"
        if status == 429 or status >= 500:
            error = ProviderApiUnavailable(code, message, status)
            raise _Retryable(error, _retry_after(response))
        raise ProviderApiError(code, message, status)


def error_object(*code_keys: str, message_key: str) -> ErrorParser:
    """A parser of ``{"error": {...}}`` bodies: the first of ``code_keys`` holding a string is
    the code, ``message_key`` the message."""

    def parse(body: Any) -> tuple[str | None, str | None]:
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict):
            return None, None
        codes = [error.get(key) for key in code_keys]
        code = next((c for c in codes if isinstance(c, str) and c), None)
        message = error.get(message_key)
        return code, message if isinstance(message, str) and message else None

    return parse


def read_model(provider: str, model: type[M], reply: ApiReply) -> M:
    """The answer as ``model``; an answer of another shape is the provider failing."""
    with reading(provider, model.__name__):
        return model.model_validate(reply.data)


@contextmanager
def reading(provider: str, what: str) -> Iterator[None]:
    """Turn a ``ValueError`` (a ``ValidationError``, an impossible amount) raised while
    reading a provider's answer into ``ProviderApiUnavailable("invalid_response")``."""
    try:
        yield
    except ValueError as exc:
        message = f"{provider} answered something that is not a valid {what}"
        raise ProviderApiUnavailable("invalid_response", message) from exc


class _Retryable(Exception):
    """Carries a ``ProviderApiUnavailable`` out of one attempt to the retry loop."""

    def __init__(self, error: ProviderApiUnavailable, retry_after: float | None = None) -> None:
        super().__init__(error.message)
        self.error = error
        self.retry_after = retry_after


_UNREADABLE = object()


def _decode(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (ValueError, RecursionError):
        return _UNREADABLE


def _retry_after(response: httpx.Response) -> float | None:
    """``Retry-After`` in seconds when given as a number (an HTTP date is ignored)."""
    try:
        seconds = float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None
    return seconds if seconds >= 0 else None
