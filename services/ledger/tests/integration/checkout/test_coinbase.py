"""Creating Coinbase Commerce sessions: a fixed-price charge and its hosted page."""

import httpx
import pytest

from tests.fakes import FakeCoinbase

pytestmark = pytest.mark.integration

BODY = {
    "amount": 4900,
    "currency": "usd",
    "provider": "coinbase",
    "product": "Pro plan",
    "description": "One year of Pro",
    "return_url": "https://shop.example.org/thanks",
}


def auth(merchant: dict[str, str]) -> dict[str, str]:
    return {"authorization": merchant["authorization"]}


async def test_a_coinbase_session_answers_with_its_hosted_charge(
    api: httpx.AsyncClient, merchant: dict[str, str], coinbase_api: FakeCoinbase
) -> None:
    """The checkout links the hosted page; Coinbase saw the key, version, price and metadata."""
    response = await api.post("/v1/sessions", json=BODY, headers=auth(merchant))
    session = response.json()
    [charge] = coinbase_api.charges_for(session["id"])
    [sent] = coinbase_api.requests_to("POST", "/charges")
    assert (response.status_code, session["checkout"]) == (
        201,
        {
            "type": "coinbase_charge",
            "hosted_url": f"https://commerce.coinbase.com/charges/{charge['code']}",
            "charge_id": charge["id"],
            "code": charge["code"],
        },
    )
    assert (sent.headers["x-cc-api-key"], sent.headers["x-cc-version"], sent.body) == (
        coinbase_api.api_key,
        "2018-03-22",
        {
            "name": "Pro plan",
            "description": "One year of Pro",
            "pricing_type": "fixed_price",
            "local_price": {"amount": "49.00", "currency": "USD"},
            "metadata": {"paywire_session_id": session["id"]},
            "redirect_url": "https://shop.example.org/thanks",
            "cancel_url": "https://shop.example.org/thanks",
        },
    )


async def test_the_charge_id_and_code_are_both_recorded(
    api: httpx.AsyncClient, merchant: dict[str, str]
) -> None:
    """Webhooks may name the charge by id or code: both are the session's attempts."""
    created = (await api.post("/v1/sessions", json=BODY, headers=auth(merchant))).json()
    read = (await api.get(f"/v1/sessions/{created['id']}", headers=auth(merchant))).json()
    checkout = created["checkout"]
    assert [(a["provider"], a["provider_payment_id"]) for a in read["attempts"]] == [
        ("coinbase", checkout["charge_id"]),
        ("coinbase", checkout["code"]),
    ]
