"""The PhonePe client: base64 requests under X-VERIFY, the status path's signature, and
how Check Status answers read as events."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from common.provider_settings import PhonepeSettings
from ingress.providers.http import ProviderApiError, ProviderApiUnavailable
from ingress.providers.phonepe.client import PhonepeClient, StatusCheck, x_verify
from ingress.providers.phonepe.resources import TransactionStatus

from .clients import NO_WAIT, Script, answer

MERCHANT, SALT = "PAYWIREUAT", "099eb0cd-02cf-4e2a-8aca-3e6c6aff0399"
SESSION = "ses_01J5ZK3V8QH7N2M4R6T9W1X3YA"
BASE = "https://api-preprod.phonepe.test/apis/pg-sandbox"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def transaction(code: str, state: str, **data: Any) -> dict[str, Any]:
    """A Check Status answer about ``SESSION``."""
    fields = {
        "merchantId": MERCHANT,
        "merchantTransactionId": SESSION,
        "transactionId": "T2408221405123456789",
        "amount": 49900,
        "state": state,
        "responseCode": "SUCCESS" if state == "COMPLETED" else code,
    }
    return {"success": True, "code": code, "message": "done", "data": fields | data}


@pytest.fixture
async def client_for() -> AsyncIterator[Callable[[Script], PhonepeClient]]:
    """A PhonePe client (salt index 2) answering from a script, without retry waits."""
    clients: list[httpx.AsyncClient] = []

    def make(script: Script) -> PhonepeClient:
        http = httpx.AsyncClient(transport=httpx.MockTransport(script))
        clients.append(http)
        settings = PhonepeSettings(merchant_id=MERCHANT, salt_keys=f"2:{SALT}", api_base=BASE)
        client = PhonepeClient.from_settings(settings, http, NO_WAIT)
        assert client is not None
        return client

    yield make
    for http in clients:
        await http.aclose()


def test_x_verify_is_the_salted_sha256_and_the_salt_index() -> None:
    """X-VERIFY is hex SHA-256 of the signed text and the salt key, then ``###`` and the
    salt index."""
    assert x_verify("abc/pg/v1/pay", SALT, 2) == f"{sha256('abc/pg/v1/pay' + SALT)}###2"


async def test_a_pay_request_is_base64_json_signed_with_its_endpoint(
    client_for: Callable[[Script], PhonepeClient],
) -> None:
    """``/pg/v1/pay`` gets ``{"request": base64}`` signed over base64 + ``/pg/v1/pay``, and
    the answer's redirect URL is the pay page."""
    initiated = {
        "success": True,
        "code": "PAYMENT_INITIATED",
        "message": "Payment initiated",
        "data": {
            "merchantId": MERCHANT,
            "merchantTransactionId": SESSION,
            "instrumentResponse": {
                "type": "PAY_PAGE",
                "redirectInfo": {"url": "https://mercury.phonepe.test/pg?t=1", "method": "GET"},
            },
        },
    }
    script = Script(answer(200, initiated))
    url = await client_for(script).pay(
        merchant_transaction_id=SESSION,
        merchant_user_id="u1",
        amount=49900,
        redirect_url="https://shop.test/done",
        callback_url="https://hooks.test/webhooks/phonepe",
    )
    sent = script.requests[0]
    encoded = json.loads(sent.content)["request"]
    assert (url, str(sent.url), sent.headers["x-verify"]) == (
        "https://mercury.phonepe.test/pg?t=1",
        f"{BASE}/pg/v1/pay",
        f"{sha256(encoded + '/pg/v1/pay' + SALT)}###2",
    )
    assert json.loads(base64.b64decode(encoded)) == {
        "merchantId": MERCHANT,
        "merchantTransactionId": SESSION,
        "merchantUserId": "u1",
        "amount": 49900,
        "redirectUrl": "https://shop.test/done",
        "redirectMode": "REDIRECT",
        "callbackUrl": "https://hooks.test/webhooks/phonepe",
        "paymentInstrument": {"type": "PAY_PAGE"},
    }


async def test_a_pay_request_is_never_retried(
    client_for: Callable[[Script], PhonepeClient],
) -> None:
    """A pay request has no idempotency key: a 502 is reported after one request."""
    script = Script(answer(502, {"success": False, "code": "INTERNAL_SERVER_ERROR"}))
    with pytest.raises(ProviderApiUnavailable):
        await client_for(script).pay(
            merchant_transaction_id=SESSION,
            merchant_user_id="u1",
            amount=100,
            redirect_url="https://shop.test/done",
            callback_url="https://hooks.test/webhooks/phonepe",
        )
    assert len(script.requests) == 1


async def test_a_status_check_signs_its_path_and_names_the_merchant(
    client_for: Callable[[Script], PhonepeClient],
) -> None:
    """The status path (without the API base's own path) and the salt key are signed."""
    script = Script(answer(200, transaction("PAYMENT_SUCCESS", "COMPLETED")))
    checked = await client_for(script).check_status(SESSION)
    path = f"/pg/v1/status/{MERCHANT}/{SESSION}"
    sent = script.requests[0]
    assert (str(sent.url), sent.headers["x-verify"], sent.headers["x-merchant-id"]) == (
        BASE + path,
        f"{sha256(path + SALT)}###2",
        MERCHANT,
    )
    assert checked.event is not None
    assert checked.event.model_dump(exclude={"raw"}) == {
        "provider": "phonepe",
        "provider_event_id": f"status:{SESSION}:T2408221405123456789:COMPLETED",
        "provider_event_type": "status.PAYMENT_SUCCESS",
        "kind": "payment_succeeded",
        "verified_by": "api_confirmed",
        "session_ref": SESSION,
        "provider_payment_ids": ("T2408221405123456789",),
        "amount": 49900,
        "currency": "INR",
        "refund_id": None,
        "refunded_total": None,
        "failure_reason": None,
        "occurred_at": None,
    }


@pytest.mark.parametrize(
    ("code", "state", "kind", "reason"),
    [
        ("PAYMENT_SUCCESS", "PENDING", "payment_pending", None),
        ("PAYMENT_PENDING", "PENDING", "payment_pending", None),
        ("PAYMENT_ERROR", "FAILED", "payment_failed", "PAYMENT_ERROR"),
        ("PAYMENT_DECLINED", "FAILED", "payment_failed", "PAYMENT_DECLINED"),
        ("TIMED_OUT", "FAILED", "payment_failed", "TIMED_OUT"),
    ],
)
async def test_status_codes_map_onto_event_kinds(
    client_for: Callable[[Script], PhonepeClient],
    code: str,
    state: str,
    kind: str,
    reason: str | None,
) -> None:
    """Only a completed success is a success; pending and failures keep PhonePe's code."""
    checked = await client_for(Script(answer(200, transaction(code, state)))).check_status(SESSION)
    assert checked.event is not None
    assert (
        checked.event.kind.value,
        checked.event.failure_reason,
        checked.event.provider_event_id,
    ) == (kind, reason, f"status:{SESSION}:T2408221405123456789:{state}")


@pytest.mark.parametrize(
    "data",
    [{"merchantTransactionId": "ses_01J5ZM0C4E8G2K6P9S3V7X1B5D"}, {"merchantId": "OTHER"}],
    ids=["another-transaction", "another-merchant"],
)
async def test_an_answer_about_another_payment_reports_nothing(
    client_for: Callable[[Script], PhonepeClient], data: dict[str, Any]
) -> None:
    """An answer naming another transaction or merchant is no event about this one."""
    body = transaction("PAYMENT_SUCCESS", "COMPLETED", **data)
    checked = await client_for(Script(answer(200, body))).check_status(SESSION)
    assert checked.event is None


@pytest.mark.parametrize("status", [200, 400])
async def test_an_unknown_transaction_is_an_answer_not_an_error(
    client_for: Callable[[Script], PhonepeClient], status: int
) -> None:
    """``TRANSACTION_NOT_FOUND``, whether as 200 or 400, is PhonePe's answer: no event."""
    body = {"success": False, "code": "TRANSACTION_NOT_FOUND", "message": "No Transaction found"}
    checked = await client_for(Script(answer(status, body))).check_status(SESSION)
    assert checked == StatusCheck(
        TransactionStatus(code="TRANSACTION_NOT_FOUND", message="No Transaction found"), None
    )


async def test_a_refused_status_check_keeps_phonepes_code(
    client_for: Callable[[Script], PhonepeClient],
) -> None:
    """Another 4xx is PhonePe's refusal with its own code."""
    body = {"success": False, "code": "BAD_REQUEST", "message": "Please check the inputs"}
    with pytest.raises(ProviderApiError) as raised:
        await client_for(Script(answer(400, body))).check_status(SESSION)
    assert (raised.value.code, raised.value.message) == ("BAD_REQUEST", "Please check the inputs")


async def test_a_refund_names_the_original_transaction(
    client_for: Callable[[Script], PhonepeClient],
) -> None:
    """``/pg/v1/refund`` is a new merchant transaction against the payment's."""
    refunded = transaction(
        "PAYMENT_PENDING", "PENDING", merchantTransactionId="rfd_1", amount=10000
    )
    script = Script(answer(200, refunded))
    status = await client_for(script).refund(
        merchant_transaction_id="rfd_1",
        original_transaction_id=SESSION,
        amount=10000,
        callback_url="https://hooks.test/webhooks/phonepe",
    )
    sent = script.requests[0]
    encoded = json.loads(sent.content)["request"]
    assert (str(sent.url), sent.headers["x-verify"], status.code) == (
        f"{BASE}/pg/v1/refund",
        f"{sha256(encoded + '/pg/v1/refund' + SALT)}###2",
        "PAYMENT_PENDING",
    )
    assert json.loads(base64.b64decode(encoded)) == {
        "merchantId": MERCHANT,
        "merchantTransactionId": "rfd_1",
        "originalTransactionId": SESSION,
        "amount": 10000,
        "callbackUrl": "https://hooks.test/webhooks/phonepe",
    }


async def test_an_id_phonepe_cannot_take_is_never_sent(
    client_for: Callable[[Script], PhonepeClient],
) -> None:
    """A merchant transaction id with a path separator is refused before any request."""
    script = Script()
    with pytest.raises(ValueError, match="not a PhonePe merchant transaction id"):
        await client_for(script).check_status("../admin")
    assert script.requests == []
