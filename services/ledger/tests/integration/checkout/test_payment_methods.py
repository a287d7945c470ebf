"""A merchant customer's saved Stripe payment methods: list, make default, remove."""

import uuid

import httpx
import pytest
from ledger.operations import create_merchant

from tests.fakes import FakeStripe

pytestmark = pytest.mark.integration


def auth(merchant: dict[str, str]) -> dict[str, str]:
    return {"authorization": merchant["authorization"]}


async def kept_customer(
    api: httpx.AsyncClient, merchant: dict[str, str], stripe_api: FakeStripe
) -> tuple[str, str]:
    """A merchant customer id that paid once by Stripe, and its Stripe customer id."""
    customer_id = f"cust-{uuid.uuid4()}"
    body = {
        "amount": 4900,
        "currency": "usd",
        "provider": "stripe",
        "customer": {"id": customer_id},
    }
    await api.post("/v1/sessions", json=body, headers=auth(merchant))
    stripe_customer = stripe_api.customer_for(customer_id)
    assert stripe_customer is not None
    return customer_id, stripe_customer["id"]


def card(method_id: str, brand: str, last4: str, is_default: bool) -> dict[str, object]:
    return {
        "id": method_id,
        "type": "card",
        "card": {"brand": brand, "last4": last4, "exp_month": 12, "exp_year": 2030},
        "is_default": is_default,
    }


async def test_saved_cards_are_listed_newest_first(
    api: httpx.AsyncClient, merchant: dict[str, str], stripe_api: FakeStripe
) -> None:
    """Both cards saved on the Stripe customer are listed, none of them default yet."""
    customer_id, stripe_customer = await kept_customer(api, merchant, stripe_api)
    visa = stripe_api.add_card(stripe_customer)
    amex = stripe_api.add_card(stripe_customer, brand="amex", last4="0005")
    response = await api.get(f"/v1/customers/{customer_id}/payment-methods", headers=auth(merchant))
    assert (response.status_code, response.json()) == (
        200,
        {"data": [card(amex, "amex", "0005", False), card(visa, "visa", "4242", False)]},
    )


async def test_a_card_becomes_the_default(
    api: httpx.AsyncClient, merchant: dict[str, str], stripe_api: FakeStripe
) -> None:
    """Making a card default answers it with ``is_default`` and the list agrees."""
    customer_id, stripe_customer = await kept_customer(api, merchant, stripe_api)
    visa = stripe_api.add_card(stripe_customer)
    path = f"/v1/customers/{customer_id}/payment-methods"
    made = await api.post(f"{path}/{visa}/default", headers=auth(merchant))
    listed = await api.get(path, headers=auth(merchant))
    assert (made.status_code, made.json(), listed.json()) == (
        200,
        card(visa, "visa", "4242", True),
        {"data": [card(visa, "visa", "4242", True)]},
    )
    assert (
        stripe_api.customers[stripe_customer]["invoice_settings"]["default_payment_method"] == visa
    )


async def test_a_removed_card_is_detached_at_stripe(
    api: httpx.AsyncClient, merchant: dict[str, str], stripe_api: FakeStripe
) -> None:
    """DELETE detaches the card; it is gone from the list and from the Stripe customer."""
    customer_id, stripe_customer = await kept_customer(api, merchant, stripe_api)
    visa = stripe_api.add_card(stripe_customer)
    path = f"/v1/customers/{customer_id}/payment-methods"
    deleted = await api.delete(f"{path}/{visa}", headers=auth(merchant))
    listed = await api.get(path, headers=auth(merchant))
    assert (deleted.status_code, deleted.json(), listed.json()) == (
        200,
        {"id": visa, "deleted": True},
        {"data": []},
    )
    assert stripe_api.payment_methods[visa]["customer"] is None


async def test_a_customer_paywire_keeps_no_stripe_customer_for_is_404(
    api: httpx.AsyncClient, merchant: dict[str, str], database_url: str, stripe_api: FakeStripe
) -> None:
    """An unknown customer id, or another merchant's customer, answers 404."""
    customer_id, _ = await kept_customer(api, merchant, stripe_api)
    other = await create_merchant(database_url, "Other Shop")
    unknown = await api.get("/v1/customers/nobody/payment-methods", headers=auth(merchant))
    foreign = await api.get(
        f"/v1/customers/{customer_id}/payment-methods",
        headers={"authorization": f"Bearer {other['api_key']}"},
    )
    not_found = {"error": {"code": "not_found", "message": "no such customer"}}
    assert [(unknown.status_code, unknown.json()), (foreign.status_code, foreign.json())] == [
        (404, not_found),
        (404, not_found),
    ]


@pytest.mark.parametrize("whose", ["another customer's", "unknown", "malformed"])
async def test_a_payment_method_that_is_not_the_customers_is_404(
    api: httpx.AsyncClient, merchant: dict[str, str], stripe_api: FakeStripe, whose: str
) -> None:
    """Neither default nor delete touches a card the customer does not hold."""
    customer_id, _ = await kept_customer(api, merchant, stripe_api)
    _, someone_else = await kept_customer(api, merchant, stripe_api)
    method = {
        "another customer's": stripe_api.add_card(someone_else),
        "unknown": "pm_doesnotexist",
        "malformed": "pm..1",
    }[whose]
    path = f"/v1/customers/{customer_id}/payment-methods/{method}"
    made = await api.post(f"{path}/default", headers=auth(merchant))
    deleted = await api.delete(path, headers=auth(merchant))
    not_found = {"error": {"code": "not_found", "message": "no such payment method"}}
    assert [(made.status_code, made.json()), (deleted.status_code, deleted.json())] == [
        (404, not_found),
        (404, not_found),
    ]
    assert stripe_api.requests_to("POST", f"/v1/payment_methods/{method}/detach") == []


async def test_stripe_down_answers_502(
    api: httpx.AsyncClient, merchant: dict[str, str], stripe_api: FakeStripe
) -> None:
    """Listing retries the GETs, then answers 502 ``provider_unavailable``."""
    customer_id, _ = await kept_customer(api, merchant, stripe_api)
    stripe_api.faults.fail(503, times=3)
    response = await api.get(f"/v1/customers/{customer_id}/payment-methods", headers=auth(merchant))
    assert (response.status_code, response.json()["error"]["code"]) == (502, "provider_unavailable")
