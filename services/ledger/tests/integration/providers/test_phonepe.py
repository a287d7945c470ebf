"""PhonePe through the ledger, against the fake PhonePe: the pay page, Check Status read as
the session's status, and refunds that are never sent twice."""

import base64
import dataclasses
import hashlib
import json

import httpx
import pytest
from common.ids import new_id
from ledger.bootstrap import Ledger
from ledger.gateways import (
    GatewayError,
    GatewayUnavailable,
    RefundRequest,
    RefundStatusRequest,
    StatusRequest,
)

from tests.fakes.phonepe import FakePhonepe

from .conftest import CUSTOMER_SITE, INGRESS, Create

pytestmark = pytest.mark.integration

REFUND_PATH = "/pg/v1/refund"


async def paid_session(create: Create, phonepe_api: FakePhonepe, amount: int = 49900) -> str:
    """A PhonePe session its customer paid; its id."""
    created = (await create(amount=amount, currency="INR", provider="phonepe")).json()
    phonepe_api.complete(created["id"])
    session_id: str = created["id"]
    return session_id


async def test_the_checkout_redirects_to_phonepes_pay_page(
    create: Create, merchant: dict[str, str], phonepe_api: FakePhonepe
) -> None:
    """The pay request names the session as merchant transaction, the amount in paise,
    ingress as callback, and is signed: X-VERIFY is SHA-256 of base64 + endpoint + salt."""
    response = await create(
        amount=49900,
        currency="inr",
        provider="phonepe",
        customer={"id": "cust_42"},
        return_url="https://shop.test/done",
    )
    session_id = response.json()["id"]
    (sent,) = phonepe_api.requests_to("POST", "/pg/v1/pay")
    encoded = sent.body["request"]
    signed = hashlib.sha256(f"{encoded}/pg/v1/pay{phonepe_api.salt_key}".encode()).hexdigest()
    payer = f"{merchant['merchant_id']}\x00cust_42"
    assert (response.status_code, response.json()["checkout"], sent.headers["x-verify"]) == (
        201,
        {
            "type": "redirect",
            "url": "https://mercury-uat.phonepe.com/transact/pg?token="
            + phonepe_api.phonepe_id(session_id),
        },
        f"{signed}###{phonepe_api.salt_index}",
    )
    assert json.loads(base64.b64decode(encoded)) == {
        "merchantId": phonepe_api.merchant_id,
        "merchantTransactionId": session_id,
        "merchantUserId": hashlib.sha256(payer.encode()).hexdigest()[:35],
        "amount": 49900,
        "redirectUrl": "https://shop.test/done",
        "redirectMode": "REDIRECT",
        "callbackUrl": f"{INGRESS}/webhooks/phonepe",
        "paymentInstrument": {"type": "PAY_PAGE"},
    }


async def test_without_a_return_url_the_customer_comes_back_to_paywire(
    create: Create, phonepe_api: FakePhonepe
) -> None:
    """The redirect falls back to ``PAYWIRE_PUBLIC_BASE_URL``."""
    await create(amount=100, currency="INR", provider="phonepe")
    (sent,) = phonepe_api.requests_to("POST", "/pg/v1/pay")
    assert json.loads(base64.b64decode(sent.body["request"]))["redirectUrl"] == CUSTOMER_SITE


async def test_phonepe_failing_creates_no_session_and_is_not_retried(
    create: Create, phonepe_api: FakePhonepe
) -> None:
    """A 503 from PhonePe answers 502 ``provider_unavailable`` after a single pay request
    (it has no idempotency key), and no session is created."""
    phonepe_api.faults.fail(503)
    response = await create(amount=100, currency="INR", provider="phonepe")
    error = response.json()["error"]
    assert (response.status_code, error["code"], error["details"]["provider_code"]) == (
        502,
        "provider_unavailable",
        "INTERNAL_SERVER_ERROR",
    )
    assert len(phonepe_api.requests_to("POST", "/pg/v1/pay")) == 1


@pytest.mark.parametrize(
    ("move", "expected"),
    [
        ("pending", ("payment_pending", None, "PENDING")),
        ("complete", ("payment_succeeded", None, "COMPLETED")),
        ("fail", ("payment_failed", "PAYMENT_ERROR", "FAILED")),
    ],
)
async def test_check_status_reports_the_transaction(
    create: Create,
    provider_ledger: Ledger,
    phonepe_api: FakePhonepe,
    move: str,
    expected: tuple[str, str | None, str],
) -> None:
    """The gateway's status is PhonePe's Check Status answer for the session."""
    session_id = (await create(amount=49900, currency="INR", provider="phonepe")).json()["id"]
    if move == "complete":
        phonepe_api.complete(session_id)
    elif move == "fail":
        phonepe_api.fail(session_id)
    event = await provider_ledger.gateways["phonepe"].fetch_status(
        StatusRequest(session_id, 49900, "INR")
    )
    assert event is not None
    kind, reason, state = expected
    assert (event.kind.value, event.failure_reason, event.provider_event_id, event.amount) == (
        kind,
        reason,
        f"status:{session_id}:{phonepe_api.phonepe_id(session_id)}:{state}",
        49900,
    )


async def test_a_transaction_phonepe_does_not_know_reports_nothing(
    provider_ledger: Ledger,
) -> None:
    """``TRANSACTION_NOT_FOUND`` is no event."""
    request = StatusRequest("ses_01J5ZM0C4E8G2K6P9S3V7X1B5D", 100, "INR")
    assert await provider_ledger.gateways["phonepe"].fetch_status(request) is None


async def test_a_status_check_that_times_out_is_unavailable(
    create: Create, provider_ledger: Ledger, phonepe_api: FakePhonepe
) -> None:
    """PhonePe not answering within the timeout, three times, is ``GatewayUnavailable``."""
    session_id = (await create(amount=100, currency="INR", provider="phonepe")).json()["id"]
    phonepe_api.faults.hang(1.0, times=3)
    with pytest.raises(GatewayUnavailable) as raised:
        await provider_ledger.gateways["phonepe"].fetch_status(
            StatusRequest(session_id, 100, "INR")
        )
    assert raised.value.code == "timeout"


async def test_verifying_makes_a_paid_session_paid(
    create: Create, api: httpx.AsyncClient, merchant: dict[str, str], phonepe_api: FakePhonepe
) -> None:
    """``POST /v1/sessions/{id}/verify`` applies PhonePe's completed payment."""
    session_id = await paid_session(create, phonepe_api)
    headers = {"authorization": merchant["authorization"]}
    verified = await api.post(f"/v1/sessions/{session_id}/verify", headers=headers)
    assert (verified.status_code, verified.json()["status"]) == (200, "paid")


async def test_a_refund_is_a_new_transaction_against_the_payment(
    create: Create, provider_ledger: Ledger, phonepe_api: FakePhonepe
) -> None:
    """The refund id is the refund's merchant transaction, the session the original one;
    PhonePe's pending refund is not complete, and asking again sends nothing new."""
    session_id = await paid_session(create, phonepe_api)
    refund_id = new_id("rfd")
    request = RefundRequest(session_id, refund_id, 10000, "INR")
    gateway = provider_ledger.gateways["phonepe"]
    first = await gateway.refund(request)
    again = await gateway.refund(request)
    (sent,) = phonepe_api.requests_to("POST", REFUND_PATH)
    expected = (phonepe_api.phonepe_id(refund_id), False)
    assert (
        (first.provider_refund_id, first.completed),
        (again.provider_refund_id, again.completed),
    ) == (expected, expected)
    assert json.loads(base64.b64decode(sent.body["request"])) == {
        "merchantId": phonepe_api.merchant_id,
        "merchantTransactionId": refund_id,
        "originalTransactionId": session_id,
        "amount": 10000,
        "callbackUrl": f"{INGRESS}/webhooks/phonepe",
    }


async def test_a_refund_phonepe_completes_at_once_is_complete(
    create: Create, provider_ledger: Ledger, phonepe_api: FakePhonepe
) -> None:
    """A refund PhonePe answers ``COMPLETED`` is reported complete."""
    session_id = await paid_session(create, phonepe_api)
    phonepe_api.refund_state = "COMPLETED"
    try:
        result = await provider_ledger.gateways["phonepe"].refund(
            RefundRequest(session_id, new_id("rfd"), 49900, "INR")
        )
    finally:
        phonepe_api.refund_state = "PENDING"
    assert (result.completed, result.raw["data"]["state"]) == (True, "COMPLETED")


async def test_a_refund_phonepe_refuses_is_a_gateway_error(
    create: Create, provider_ledger: Ledger, phonepe_api: FakePhonepe
) -> None:
    """More than was paid is refused with PhonePe's code."""
    session_id = await paid_session(create, phonepe_api, amount=10000)
    with pytest.raises(GatewayError) as raised:
        await provider_ledger.gateways["phonepe"].refund(
            RefundRequest(session_id, new_id("rfd"), 20000, "INR")
        )
    assert (raised.value.code, type(raised.value)) == ("EXCESS_REFUND_AMOUNT", GatewayError)


async def test_a_refund_is_checked_with_phonepes_status_api(
    create: Create, provider_ledger: Ledger, phonepe_api: FakePhonepe
) -> None:
    """Check Status of the refund's merchant transaction: ``PENDING`` reports nothing,
    ``COMPLETED`` a confirmed refund, ``FAILED`` a confirmed failure; an unknown one nothing."""
    session_id = await paid_session(create, phonepe_api)
    refund_id = new_id("rfd")
    gateway = provider_ledger.gateways["phonepe"]
    result = await gateway.refund(RefundRequest(session_id, refund_id, 10000, "INR"))
    asked = RefundStatusRequest(session_id, refund_id, result.provider_refund_id, 10000, "INR")
    pending = await gateway.fetch_refund(asked)
    phonepe_api.answer(refund_id, "PAYMENT_SUCCESS", "COMPLETED", 10000)
    completed = await gateway.fetch_refund(asked)
    phonepe_api.answer(refund_id, "PAYMENT_ERROR", "FAILED", 10000)
    failed = await gateway.fetch_refund(asked)
    unknown = dataclasses.replace(asked, refund_id=new_id("rfd"))
    assert (pending, await gateway.fetch_refund(unknown)) == (None, None)
    assert [
        (e.kind, e.provider_event_id, e.amount, e.currency, e.refund_id)
        for e in (completed, failed)
        if e is not None
    ] == [
        (
            kind,
            f"refund-status:{result.provider_refund_id}:{outcome}",
            10000,
            "INR",
            result.provider_refund_id,
        )
        for kind, outcome in (("refund_succeeded", "succeeded"), ("refund_failed", "failed"))
    ]
