"""The Stripe client's requests: form encoding, credentials, idempotency keys, errors."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from urllib.parse import parse_qsl

import httpx
import pytest
from common.provider_settings import StripeSettings
from ingress.providers.http import ProviderApiError
from ingress.providers.stripe.client import StripeClient, form_encode

from .clients import NO_WAIT, Script, answer

KEY = "sk_test_client_tests_0123456789"
INTENT = {
    "id": "pi_1",
    "object": "payment_intent",
    "amount": 4900,
    "amount_received": 0,
    "currency": "usd",
    "client_secret": "pi_1_secret_x",
    "metadata": {"paywire_session_id": "ses_1"},
    "status": "requires_payment_method",
}


@pytest.fixture
async def client_for() -> AsyncIterator[Callable[[Script], StripeClient]]:
    """A Stripe client answering from a script, with no wait between retries."""
    clients: list[httpx.AsyncClient] = []

    def make(script: Script) -> StripeClient:
        http = httpx.AsyncClient(transport=httpx.MockTransport(script))
        clients.append(http)
        settings = StripeSettings(api_key=KEY, api_base="https://stripe.test")
        client = StripeClient.from_settings(settings, http, NO_WAIT)
        assert client is not None
        return client

    yield make
    for http in clients:
        await http.aclose()


def test_nested_parameters_use_stripe_brackets() -> None:
    """Mappings nest with brackets, booleans are true/false, None is left out."""
    assert form_encode(
        {"amount": 5, "metadata": {"a": "b"}, "x": {"y": {"z": True}}, "customer": None}
    ) == {"amount": "5", "metadata[a]": "b", "x[y][z]": "true"}


async def test_a_payment_intent_is_created_with_key_version_and_idempotency_key(
    client_for: Callable[[Script], StripeClient],
) -> None:
    """The POST is form-encoded, authorized with the secret key and keyed for replays."""
    script = Script(answer(200, INTENT))
    intent = await client_for(script).create_payment_intent(
        amount=4900,
        currency="USD",
        session_id="ses_1",
        idempotency_key="paywire:ses_1:checkout",
        customer="cus_1",
    )
    sent = script.requests[0]
    assert (intent.id, intent.client_secret) == ("pi_1", "pi_1_secret_x")
    assert (sent.method, str(sent.url)) == ("POST", "https://stripe.test/v1/payment_intents")
    assert {k: sent.headers[k] for k in ("authorization", "idempotency-key", "stripe-version")} == {
        "authorization": f"Bearer {KEY}",
        "idempotency-key": "paywire:ses_1:checkout",
        "stripe-version": "2024-06-20",
    }
    assert dict(parse_qsl(sent.content.decode())) == {
        "amount": "4900",
        "currency": "usd",
        "automatic_payment_methods[enabled]": "true",
        "metadata[paywire_session_id]": "ses_1",
        "customer": "cus_1",
    }


async def test_every_post_is_retried_under_one_idempotency_key(
    client_for: Callable[[Script], StripeClient],
) -> None:
    """A detach (no paywire key of its own) gets a random key, reused by its retries."""
    detached = {"id": "pm_1", "type": "card", "customer": None}
    script = Script(answer(500), answer(200, detached))
    await client_for(script).detach_payment_method("pm_1")
    keys = {r.headers["idempotency-key"] for r in script.requests}
    assert (len(script.requests), len(keys)) == (2, 1)


async def test_a_card_error_carries_stripes_code(
    client_for: Callable[[Script], StripeClient],
) -> None:
    """A 402 ``card_error`` is a refusal with Stripe's ``code`` and ``message``."""
    body = {"error": {"type": "card_error", "code": "card_declined", "message": "Declined."}}
    with pytest.raises(ProviderApiError) as raised:
        await client_for(Script(answer(402, body))).retrieve_payment_method("pm_1")
    assert (raised.value.code, raised.value.message, raised.value.status) == (
        "card_declined",
        "Declined.",
        402,
    )


@pytest.mark.parametrize(
    ("key", "mode"),
    [("sk_test_abc", "test"), ("rk_live_abc", "live"), ("whatever", "unknown"), ("", None)],
)
def test_the_key_decides_the_mode_and_whether_stripe_is_configured(
    key: str, mode: str | None
) -> None:
    """Test and live keys name their mode; no key means no client."""
    client = StripeClient.from_settings(StripeSettings(api_key=key or None), httpx.AsyncClient())
    assert (client.mode if client else None) == mode
