"""The Coinbase Commerce client's requests: API key and version headers, exact prices."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from common.money import Money
from common.provider_settings import CoinbaseSettings
from ingress.providers.coinbase.client import CoinbaseClient, major_amount
from ingress.providers.http import ProviderApiError, ProviderApiUnavailable

from .clients import NO_WAIT, Script, answer

CHARGE = {
    "id": "0b5e0f1c",
    "code": "66BEOV2A",
    "hosted_url": "https://commerce.coinbase.com/charges/66BEOV2A",
    "pricing": {"local": {"amount": "49.00", "currency": "USD"}},
    "metadata": {"paywire_session_id": "ses_1"},
    "timeline": [{"status": "NEW", "time": "2024-12-02T10:00:00Z"}],
}


@pytest.fixture
async def client_for() -> AsyncIterator[Callable[[Script], CoinbaseClient]]:
    """A Coinbase Commerce client answering from a script, with no wait between retries."""
    clients: list[httpx.AsyncClient] = []

    def make(script: Script) -> CoinbaseClient:
        http = httpx.AsyncClient(transport=httpx.MockTransport(script))
        clients.append(http)
        settings = CoinbaseSettings(api_key="cc-key", api_base="https://cc.test")
        client = CoinbaseClient.from_settings(settings, http, NO_WAIT)
        assert client is not None
        return client

    yield make
    for http in clients:
        await http.aclose()


async def test_a_charge_is_created_at_a_fixed_local_price(
    client_for: Callable[[Script], CoinbaseClient],
) -> None:
    """``POST /charges`` with the API key, the pinned version and the price in major units."""
    script = Script(answer(201, {"data": CHARGE, "warnings": []}))
    charge = await client_for(script).create_charge(
        name="Pro plan",
        description="One year",
        price=Money(4900, "USD"),
        metadata={"paywire_session_id": "ses_1"},
        redirect_url="https://shop.example.org/thanks",
    )
    sent = script.requests[0]
    assert (charge.hosted_url, sent.headers["x-cc-api-key"], sent.headers["x-cc-version"]) == (
        "https://commerce.coinbase.com/charges/66BEOV2A",
        "cc-key",
        "2018-03-22",
    )
    assert json.loads(sent.content) == {
        "name": "Pro plan",
        "description": "One year",
        "pricing_type": "fixed_price",
        "local_price": {"amount": "49.00", "currency": "USD"},
        "metadata": {"paywire_session_id": "ses_1"},
        "redirect_url": "https://shop.example.org/thanks",
        "cancel_url": "https://shop.example.org/thanks",
    }


async def test_creating_a_charge_is_never_retried(
    client_for: Callable[[Script], CoinbaseClient],
) -> None:
    """Charges have no idempotency key: a timeout is reported after one request."""
    script = Script(httpx.ReadTimeout("slow"))
    with pytest.raises(ProviderApiUnavailable):
        await client_for(script).create_charge(
            name="n", description="d", price=Money(100, "USD"), metadata={}
        )
    assert len(script.requests) == 1


async def test_errors_carry_the_coinbase_type_as_code(
    client_for: Callable[[Script], CoinbaseClient],
) -> None:
    """``{"error": {"type", "message"}}`` becomes the code and the message."""
    body = {"error": {"type": "not_found", "message": "Not found"}}
    with pytest.raises(ProviderApiError) as raised:
        await client_for(Script(answer(404, body))).charge_status("nope")
    assert (raised.value.code, raised.value.message) == ("not_found", "Not found")


@pytest.mark.parametrize(
    ("price", "expected"),
    [(Money(4900, "USD"), "49.00"), (Money(1000, "JPY"), "1000"), (Money(1, "BTC"), "0.00000001")],
)
def test_prices_are_written_exactly_in_major_units(price: Money, expected: str) -> None:
    """Each currency keeps its own number of decimals."""
    assert major_amount(price) == expected


async def test_a_charge_priced_beyond_its_currency_is_an_invalid_answer(
    client_for: Callable[[Script], CoinbaseClient],
) -> None:
    """A local price with more decimals than USD has is the provider failing, not a crash."""
    odd = CHARGE | {
        "pricing": {"local": {"amount": "49.001", "currency": "USD"}},
        "timeline": [{"status": "COMPLETED"}],
    }
    script = Script(answer(200, {"data": odd}))
    with pytest.raises(ProviderApiUnavailable) as raised:
        await client_for(script).charge_status("0b5e0f1c")
    assert (raised.value.code, raised.value.message) == (
        "invalid_response",
        "Coinbase Commerce answered something that is not a valid charge",
    )
