"""The PhonePe status adapter confirms only PhonePe's own completed answer for this payment."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from common.events import ProviderEvent
from common.provider_settings import PhonepeSettings
from ingress.providers.http import HttpPolicy, RetryPolicy
from ingress.providers.phonepe.client import PhonepeClient
from ledger.adapters import PhonepeStatusChecker, StatusAnswer, StatusCheckFailed

SESSION = "ses_01J5ZK3V8QH7N2M4R6T9W1X3YA"
NO_WAIT = HttpPolicy(retry=RetryPolicy(base_delay=0.0))


def shared_secret_success(session_ref: str | None = SESSION) -> ProviderEvent:
    return ProviderEvent(
        provider="phonepe",
        provider_event_id="checkout.order.completed:OMO1:COMPLETED",
        provider_event_type="checkout.order.completed",
        kind="payment_succeeded",
        verified_by="shared_secret",
        session_ref=session_ref,
        amount=49900,
        currency="INR",
    )


def status_body(**data: Any) -> dict[str, Any]:
    fields = {
        "merchantId": "PAYWIREUAT",
        "merchantTransactionId": SESSION,
        "transactionId": "T2408221405123456789",
        "amount": 49900,
        "state": "COMPLETED",
    }
    return {"success": True, "code": "PAYMENT_SUCCESS", "message": "ok", "data": fields | data}


def checker(handler: Any) -> PhonepeStatusChecker:
    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    settings = PhonepeSettings(
        merchant_id="PAYWIREUAT", salt_keys={1: "salt"}, api_base="https://phonepe.test/apis/hermes"
    )
    client = PhonepeClient.from_settings(settings, http, NO_WAIT)
    assert client is not None
    return PhonepeStatusChecker(client)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"merchantTransactionId": "ses_01J5ZM0C4E8G2K6P9S3V7X1B5D"}, "PAYMENT_SUCCESS"),
        ({"merchantId": "SOMEONEELSE"}, "PAYMENT_SUCCESS"),
        ({"state": "PENDING"}, "PAYMENT_SUCCESS"),
        ({}, "PAYMENT_PENDING"),
    ],
    ids=["another-transaction", "another-merchant", "not-completed", "pending-code"],
)
async def test_only_a_completed_success_for_this_payment_confirms(
    data: dict[str, Any], code: str
) -> None:
    """A success for another transaction or merchant, or not completed, confirms nothing."""
    body = status_body(**data) | {"code": code}
    answer = await checker(lambda _: httpx.Response(200, json=body)).check(shared_secret_success())
    assert answer == StatusAnswer(code)


async def test_a_completed_success_becomes_an_api_confirmed_event() -> None:
    """PhonePe's completed answer is an api_confirmed success with PhonePe's amount and id."""
    body = status_body()
    answer = await checker(lambda _: httpx.Response(200, json=body)).check(shared_secret_success())
    confirmed = answer.confirmed
    assert confirmed is not None
    assert confirmed.model_dump(exclude={"raw"}) == {
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
    assert json.loads(confirmed.raw.text if confirmed.raw else "") == body


@pytest.mark.parametrize(
    "respond",
    [
        lambda _: httpx.Response(502, text="bad gateway"),
        lambda _: httpx.Response(200, text="<html>"),
        lambda request: (_ for _ in ()).throw(httpx.ConnectError("refused", request=request)),
    ],
    ids=["server-error", "not-json", "unreachable"],
)
async def test_an_unusable_answer_fails_the_check(respond: Any) -> None:
    """A 5xx, a body that is not a status, or no answer at all raise StatusCheckFailed."""
    with pytest.raises(StatusCheckFailed):
        await checker(respond).check(shared_secret_success())


@pytest.mark.parametrize("session_ref", [None, "../../admin", "ses_x/y"])
async def test_an_unusable_id_is_not_sent(session_ref: str | None) -> None:
    """An event without a usable merchant transaction id is answered without a request."""
    requests: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, json=status_body())

    answer = await checker(record).check(shared_secret_success(session_ref))
    assert (answer, requests) == (StatusAnswer("not a PhonePe merchant transaction id"), [])
