"""The shared provider HTTP helper: retries only where safe, backoff, error mapping."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from ingress.providers.http import (
    HttpPolicy,
    ProviderApi,
    ProviderApiError,
    ProviderApiUnavailable,
    RetryPolicy,
    error_object,
)
from structlog.testing import capture_logs

from .clients import Script, answer

SECRET = "sk_test_never_logged_0123456789"


@pytest.fixture
def sleeps() -> list[float]:
    """The waits the retry loop asked for."""
    return []


@pytest.fixture
async def api_for(sleeps: list[float]) -> AsyncIterator[Callable[[Script], ProviderApi]]:
    """A ``ProviderApi`` answering from a script, with recorded sleeps and no jitter."""
    clients: list[httpx.AsyncClient] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    def make(script: Script) -> ProviderApi:
        http = httpx.AsyncClient(transport=httpx.MockTransport(script))
        clients.append(http)
        return ProviderApi(
            "acme",
            http,
            "https://api.acme.test/",
            parse_error=error_object("code", "type", message_key="message"),
            headers={"Authorization": f"Bearer {SECRET}"},
            policy=HttpPolicy(timeout=2.0, retry=RetryPolicy(attempts=3, base_delay=0.5)),
            sleep=sleep,
            rand=lambda: 1.0,
        )

    yield make
    for http in clients:
        await http.aclose()


async def test_a_get_is_retried_with_exponential_backoff_until_it_succeeds(
    api_for: Callable[[Script], ProviderApi], sleeps: list[float]
) -> None:
    """Two 503s, then 200: the GET is sent three times, waiting 0.5 s then 1 s."""
    script = Script(answer(503), answer(503), answer(200, {"id": "x"}))
    reply = await api_for(script).call("GET", "/v1/things/x")
    urls = [str(r.url) for r in script.requests]
    assert (reply.data, urls, sleeps) == (
        {"id": "x"},
        ["https://api.acme.test/v1/things/x"] * 3,
        [0.5, 1.0],
    )


async def test_a_post_without_an_idempotency_key_is_sent_once(
    api_for: Callable[[Script], ProviderApi], sleeps: list[float]
) -> None:
    """A 500 on a POST that is not repeatable is raised at once."""
    script = Script(answer(500, {"error": {"type": "api_error", "message": "boom"}}))
    with pytest.raises(ProviderApiUnavailable) as raised:
        await api_for(script).call("POST", "/v1/orders", json={"amount": 1})
    error = raised.value
    assert (error.code, error.message, error.status, len(script.requests), sleeps) == (
        "api_error",
        "boom",
        500,
        1,
        [],
    )


async def test_a_repeatable_post_is_retried_with_the_same_body_and_headers(
    api_for: Callable[[Script], ProviderApi],
) -> None:
    """A POST the provider deduplicates is retried, byte for byte."""
    script = Script(httpx.ConnectError("refused"), answer(200, {"id": "re_1"}))
    await api_for(script).call(
        "POST",
        "/v1/refunds",
        repeatable=True,
        form={"amount": "5"},
        headers={"Idempotency-Key": "k1"},
    )
    sent = [(r.content, r.headers["idempotency-key"]) for r in script.requests]
    assert sent == [(b"amount=5", "k1"), (b"amount=5", "k1")]


async def test_giving_up_raises_the_last_failure(
    api_for: Callable[[Script], ProviderApi], sleeps: list[float]
) -> None:
    """After three timeouts the call fails as unavailable with code ``timeout``."""
    script = Script(*(httpx.ReadTimeout("slow") for _ in range(3)))
    with pytest.raises(ProviderApiUnavailable) as raised:
        await api_for(script).call("GET", "/v1/things/x")
    assert (raised.value.code, raised.value.message, sleeps) == (
        "timeout",
        "acme did not answer within 2s",
        [0.5, 1.0],
    )


async def test_retry_after_is_honoured_up_to_the_cap(
    api_for: Callable[[Script], ProviderApi], sleeps: list[float]
) -> None:
    """A 429's ``Retry-After: 3`` makes the first wait 3 s rather than 0.5 s."""
    script = Script(answer(429, None, **{"Retry-After": "3"}), answer(200, {}))
    await api_for(script).call("GET", "/v1/things")
    assert sleeps == [3.0]


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (400, {"error": {"code": "amount_too_small", "message": "too small"}}, "amount_too_small"),
        (404, {"error": {"type": "invalid_request_error"}}, "invalid_request_error"),
        (404, "not json", "not_found"),
        (409, None, "conflict"),
    ],
)
async def test_a_4xx_is_the_providers_refusal_and_is_not_retried(
    api_for: Callable[[Script], ProviderApi], status: int, body: Any, expected: str
) -> None:
    """4xx raises ``ProviderApiError`` (not unavailable) with the provider's code, once."""
    script = Script(answer(status, body))
    with pytest.raises(ProviderApiError) as raised:
        await api_for(script).call("GET", "/v1/things/x")
    error = raised.value
    assert (type(error), error.code, error.status, len(script.requests)) == (
        ProviderApiError,
        expected,
        status,
        1,
    )


async def test_a_credentials_refusal_hides_the_providers_message(
    api_for: Callable[[Script], ProviderApi],
) -> None:
    """A 401 whose message echoes part of the key is reported without that message."""
    body = {"error": {"message": f"Invalid API Key provided: {SECRET[:12]}****6789"}}
    with pytest.raises(ProviderApiError) as raised:
        await api_for(Script(answer(401, body))).call("GET", "/v1/things")
    assert (raised.value.code, raised.value.message) == (
        "provider_authentication_failed",
        "acme refused paywire's API credentials (HTTP 401)",
    )


async def test_an_unreadable_success_is_unavailable(
    api_for: Callable[[Script], ProviderApi],
) -> None:
    """A 200 whose body is not JSON is the provider failing, retried like a 5xx."""
    script = Script(*(httpx.Response(200, content=b"<html>") for _ in range(3)))
    with pytest.raises(ProviderApiUnavailable) as raised:
        await api_for(script).call("GET", "/v1/things")
    assert (raised.value.code, len(script.requests)) == ("invalid_response", 3)


async def test_credentials_never_reach_a_log_line(
    api_for: Callable[[Script], ProviderApi],
) -> None:
    """Retries and failures are logged, the Authorization header never."""
    script = Script(answer(503), httpx.ConnectError("refused"), answer(500))
    with capture_logs() as logs, pytest.raises(ProviderApiUnavailable):
        await api_for(script).call("GET", "/v1/things")
    assert [entry["event"] for entry in logs] == [
        "provider_call_retry",
        "provider_call_retry",
        "provider_call_failed",
    ]
    assert SECRET not in repr(logs)


@pytest.mark.parametrize(
    ("retry", "rand", "expected"),
    [(0, 0.5, 0.125), (1, 1.0, 0.5), (3, 1.0, 2.0), (10, 1.0, 4.0), (10, 0.0, 0.0)],
)
def test_backoff_doubles_with_full_jitter_up_to_the_cap(
    retry: int, rand: float, expected: float
) -> None:
    """The wait is ``rand`` times ``min(cap, base * 2**retry)``."""
    assert RetryPolicy(base_delay=0.25, max_delay=4.0).delay(retry, rand) == expected


def test_the_worst_case_counts_every_attempt_and_wait() -> None:
    """Three attempts of 10 s plus waits of at most 0.25 s and 0.5 s."""
    assert HttpPolicy(timeout=10.0).worst_case_seconds() == 30.75
