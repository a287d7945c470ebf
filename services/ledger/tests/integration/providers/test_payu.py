"""PayU through the ledger, against the fake PayU: the hosted checkout's signed form,
verify_payment read as the session's status, and refunds by token."""

import hashlib
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from common.ids import new_id
from ledger.bootstrap import Ledger
from ledger.gateways import GatewayError, GatewayUnavailable, RefundRequest, StatusRequest

from tests.fakes.payu import FakePayu

from .conftest import INGRESS, Create

pytestmark = pytest.mark.integration

Read = Callable[[str], Awaitable[Any]]
PAYER = {"email": "payer@example.com"}
COMMANDS = "/merchant/postservice.php"


async def pay_page(payu_api: FakePayu, checkout: dict[str, Any]) -> httpx.Response:
    """The customer's browser posting the checkout form to PayU."""
    async with httpx.AsyncClient() as browser:
        return await browser.post(checkout["action"], data=checkout["fields"])


async def paid_session(create: Create, payu_api: FakePayu, amount: int = 49900) -> str:
    """A PayU session whose customer paid on PayU's page; its id."""
    created = (await create(amount=amount, currency="inr", provider="payu", customer=PAYER)).json()
    await pay_page(payu_api, created["checkout"])
    payu_api.settle(created["id"][-25:], "success")
    session_id: str = created["id"]
    return session_id


async def test_the_checkout_is_a_form_signed_with_the_forward_hash(
    create: Create, read: Read, payu_api: FakePayu
) -> None:
    """The session's checkout is PayU's ``_payment`` form: rupees, the session as ``udf1``,
    ingress as the return URLs, and the forward hash; PayU's page accepts it."""
    response = await create(
        amount=49900,
        currency="inr",
        provider="payu",
        product="Pro plan",
        customer={"name": "Asha Rao", "email": "asha@example.com"},
    )
    created = response.json()
    session_id = created["id"]
    txnid = session_id[-25:]
    hashed = (
        f"{payu_api.key}|{txnid}|499.00|Pro plan|Asha|asha@example.com|{session_id}"
        f"||||||||||{payu_api.salt}"
    )
    back = f"{INGRESS}/webhooks/payu"
    assert (response.status_code, created["checkout"]) == (
        201,
        {
            "type": "payu_form",
            "action": f"{payu_api.url}/_payment",
            "method": "POST",
            "fields": {
                "key": payu_api.key,
                "txnid": txnid,
                "amount": "499.00",
                "productinfo": "Pro plan",
                "firstname": "Asha",
                "email": "asha@example.com",
                "phone": "",
                "surl": back,
                "furl": back,
                "udf1": session_id,
                "hash": hashlib.sha512(hashed.encode()).hexdigest(),
            },
        },
    )
    page = await pay_page(payu_api, created["checkout"])
    attempts = [a["provider_payment_id"] for a in (await read(session_id))["attempts"]]
    assert (page.status_code, payu_api.transactions[txnid]["status"], attempts) == (
        200,
        "pending",
        [txnid],
    )


async def test_the_merchants_return_url_is_where_payu_sends_the_customer(
    create: Create,
) -> None:
    """With a ``return_url``, PayU posts the customer back there on success and failure."""
    created = (
        await create(
            amount=100,
            currency="INR",
            provider="payu",
            customer=PAYER,
            return_url="https://shop.test/done",
        )
    ).json()
    fields = created["checkout"]["fields"]
    assert (fields["surl"], fields["furl"], fields["firstname"], fields["productinfo"]) == (
        "https://shop.test/done",
        "https://shop.test/done",
        "Customer",
        "Payment",
    )


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"currency": "usd", "customer": PAYER}, "unsupported_currency"),
        ({"currency": "inr", "customer": {"name": "Asha"}}, "customer_email_required"),
    ],
    ids=["usd", "no-email"],
)
async def test_a_session_payu_cannot_take_is_refused(
    create: Create, fields: dict[str, Any], code: str
) -> None:
    """PayU collects rupees from a payer with an email: anything else is a 422."""
    response = await create(amount=1000, provider="payu", **fields)
    assert (response.status_code, response.json()["error"]["code"]) == (422, code)


@pytest.mark.parametrize(
    ("settled", "expected"),
    [
        (None, ("payment_pending", None)),
        ("success", ("payment_succeeded", None)),
        ("failure", ("payment_failed", "Bank declined")),
    ],
    ids=["on-payus-page", "paid", "failed"],
)
async def test_verify_payment_reports_the_transaction(
    create: Create,
    provider_ledger: Ledger,
    payu_api: FakePayu,
    settled: str | None,
    expected: tuple[str, str | None],
) -> None:
    """The status check reads PayU's verify_payment answer for the session's txnid."""
    created = (await create(amount=49900, currency="INR", provider="payu", customer=PAYER)).json()
    await pay_page(payu_api, created["checkout"])
    if settled is not None:
        payu_api.settle(created["id"][-25:], settled, "Bank declined")
    event = await provider_ledger.gateways["payu"].fetch_status(
        StatusRequest(created["id"], 49900, "INR")
    )
    assert event is not None
    assert (event.kind.value, event.failure_reason) == expected
    assert (event.session_ref, event.amount, event.currency) == (created["id"], 49900, "INR")


async def test_a_transaction_payu_never_saw_reports_nothing(
    create: Create, provider_ledger: Ledger
) -> None:
    """Before the customer reaches PayU's page, verify_payment finds nothing."""
    created = (await create(amount=49900, currency="INR", provider="payu", customer=PAYER)).json()
    event = await provider_ledger.gateways["payu"].fetch_status(
        StatusRequest(created["id"], 49900, "INR")
    )
    assert event is None


async def test_verifying_makes_a_paid_session_paid(
    create: Create, api: httpx.AsyncClient, merchant: dict[str, str], payu_api: FakePayu
) -> None:
    """``POST /v1/sessions/{id}/verify`` applies PayU's success: the session is paid."""
    session_id = await paid_session(create, payu_api)
    headers = {"authorization": merchant["authorization"]}
    verified = await api.post(f"/v1/sessions/{session_id}/verify", headers=headers)
    assert (verified.status_code, verified.json()["status"]) == (200, "paid")


async def test_payu_failing_leaves_the_status_unknown(
    create: Create, provider_ledger: Ledger, payu_api: FakePayu
) -> None:
    """Three 503s in a row are ``GatewayUnavailable``: retry later."""
    created = (await create(amount=49900, currency="INR", provider="payu", customer=PAYER)).json()
    payu_api.faults.fail(503, times=3)
    with pytest.raises(GatewayUnavailable):
        await provider_ledger.gateways["payu"].fetch_status(
            StatusRequest(created["id"], 49900, "INR")
        )


async def test_a_refund_is_queued_at_payu_under_the_refund_id(
    create: Create, provider_ledger: Ledger, payu_api: FakePayu
) -> None:
    """The refund goes to the paid transaction's mihpayid with the refund id as token, in
    rupees; PayU's acceptance completes it, and asking again refunds nothing more."""
    session_id = await paid_session(create, payu_api)
    mihpayid = str(payu_api.transactions[session_id[-25:]]["mihpayid"])
    refund_id = new_id("rfd")
    request = RefundRequest(session_id, refund_id, 12550, "INR", (session_id[-25:],))
    gateway = provider_ledger.gateways["payu"]
    first = await gateway.refund(request)
    again = await gateway.refund(request)
    assert (first.provider_refund_id, first.completed, again.provider_refund_id) == (
        refund_id,
        True,
        refund_id,
    )
    assert {t: r for t, r in payu_api.refunds.items() if r["mihpayid"] == mihpayid} == {
        refund_id: {
            "request_id": first.raw["request_id"],
            "mihpayid": mihpayid,
            "amount": "125.50",
        }
    }


async def test_a_refund_payu_refuses_is_a_gateway_error(
    create: Create, provider_ledger: Ledger, payu_api: FakePayu
) -> None:
    """More than was paid is refused with PayU's error code."""
    session_id = await paid_session(create, payu_api, amount=10000)
    request = RefundRequest(session_id, new_id("rfd"), 20000, "INR")
    with pytest.raises(GatewayError) as raised:
        await provider_ledger.gateways["payu"].refund(request)
    assert (raised.value.code, raised.value.message) == ("payu_error_105", "Invalid amount")


async def test_an_unpaid_session_has_nothing_to_refund(
    create: Create, provider_ledger: Ledger, payu_api: FakePayu
) -> None:
    """Without a successful PayU transaction the refund is refused before any refund call."""
    created = (await create(amount=49900, currency="INR", provider="payu", customer=PAYER)).json()
    await pay_page(payu_api, created["checkout"])
    request = RefundRequest(created["id"], new_id("rfd"), 100, "INR")
    with pytest.raises(GatewayError) as raised:
        await provider_ledger.gateways["payu"].refund(request)
    commands = [r.body["command"] for r in payu_api.requests_to("POST", COMMANDS)]
    assert (raised.value.code, commands) == ("no_payment", ["verify_payment"])
