"""The PayU client: the checkout form's forward hash, signed commands, PayU's 200 refusals."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from common.money import Money
from common.provider_settings import PayuSettings
from ingress.providers.http import ProviderApiError, ProviderApiUnavailable
from ingress.providers.payu.client import CheckoutForm, PayuClient, api_hash, forward_hash
from ingress.providers.payu.resources import RefundAnswer

from .clients import NO_WAIT, Script, answer

KEY, SALT = "gtKFFx", "eCwWELxi"
TXNID = "01J5ZK3V8QH7N2M4R6T9W1X3YA"[1:]
SESSION = "ses_01J5ZK3V8QH7N2M4R6T9W1X3YA"


def sha512(text: str) -> str:
    return hashlib.sha512(text.encode()).hexdigest()


def transaction(status: str = "success", **fields: Any) -> dict[str, Any]:
    """A ``transaction_details`` entry as PayU's verify_payment answers it."""
    return {
        "mihpayid": "403993715521889530",
        "txnid": TXNID,
        "amt": "499.00",
        "udf1": SESSION,
        "status": status,
        "error_Message": "No Error",
        "unmappedstatus": "captured",
    } | fields


def verified(*details: tuple[str, dict[str, Any]], status: int = 1) -> dict[str, Any]:
    return {
        "status": status,
        "msg": f"{len(details)} out of {len(details)} Transactions Fetched Successfully",
        "transaction_details": dict(details),
    }


@pytest.fixture
async def client_for() -> AsyncIterator[Callable[[Script], PayuClient]]:
    """A PayU client answering from a script, with no wait between retries."""
    clients: list[httpx.AsyncClient] = []

    def make(script: Script) -> PayuClient:
        http = httpx.AsyncClient(transport=httpx.MockTransport(script))
        clients.append(http)
        settings = PayuSettings(
            key=KEY,
            salts=f"{SALT},older-salt",
            api_base="https://info.payu.test",
            checkout_base="https://secure.payu.test/",
        )
        client = PayuClient.from_settings(settings, http, NO_WAIT)
        assert client is not None
        return client

    yield make
    for http in clients:
        await http.aclose()


def sent_form(request: httpx.Request) -> dict[str, str]:
    return dict(parse_qsl(request.content.decode(), keep_blank_values=True))


def test_the_forward_hash_follows_payus_formula() -> None:
    """The forward hash is SHA-512 of key|txnid|amount|productinfo|firstname|email|udf1..5,
    five empty places and the salt."""
    fields = {
        "key": KEY,
        "txnid": TXNID,
        "amount": "499.00",
        "productinfo": "Pro plan",
        "firstname": "Asha",
        "email": "asha@example.com",
        "udf1": SESSION,
        "phone": "not hashed",
    }
    expected = sha512(
        f"{KEY}|{TXNID}|499.00|Pro plan|Asha|asha@example.com|{SESSION}||||||||||{SALT}"
    )
    assert forward_hash(fields, SALT) == expected


def test_the_api_hash_covers_key_command_var1_and_salt() -> None:
    """A command's hash is SHA-512 of key|command|var1|salt."""
    assert api_hash(KEY, "verify_payment", TXNID, SALT) == sha512(
        f"{KEY}|verify_payment|{TXNID}|{SALT}"
    )


async def test_the_checkout_form_is_signed_with_the_first_salt(
    client_for: Callable[[Script], PayuClient],
) -> None:
    """The form posts to ``_payment`` with the rupee amount and the first salt's hash."""
    form = client_for(Script()).checkout_form(
        txnid=TXNID,
        amount=Money(49900, "INR"),
        productinfo="Pro plan",
        firstname="Asha",
        email="asha@example.com",
        phone="",
        surl="https://shop.test/back",
        furl="https://shop.test/back",
        udf1=SESSION,
    )
    hashed = f"{KEY}|{TXNID}|499.00|Pro plan|Asha|asha@example.com|{SESSION}||||||||||{SALT}"
    assert form == CheckoutForm(
        "https://secure.payu.test/_payment",
        {
            "key": KEY,
            "txnid": TXNID,
            "amount": "499.00",
            "productinfo": "Pro plan",
            "firstname": "Asha",
            "email": "asha@example.com",
            "phone": "",
            "surl": "https://shop.test/back",
            "furl": "https://shop.test/back",
            "udf1": SESSION,
            "hash": sha512(hashed),
        },
    )


async def test_verify_payment_is_a_signed_command_read_as_an_event(
    client_for: Callable[[Script], PayuClient],
) -> None:
    """verify_payment posts key, command, var1 and hash; a success is an api_confirmed
    payment of ``amt`` rupees under both PayU ids."""
    script = Script(answer(200, verified((TXNID, transaction()))))
    event = await client_for(script).payment_status(TXNID)
    request = script.requests[0]
    assert (str(request.url), sent_form(request)) == (
        "https://info.payu.test/merchant/postservice.php?form=2",
        {
            "key": KEY,
            "command": "verify_payment",
            "var1": TXNID,
            "hash": sha512(f"{KEY}|verify_payment|{TXNID}|{SALT}"),
        },
    )
    assert event is not None
    assert event.model_dump(exclude={"raw"}) == {
        "provider": "payu",
        "provider_event_id": f"status:{TXNID}:success",
        "provider_event_type": "verify_payment.success",
        "kind": "payment_succeeded",
        "verified_by": "api_confirmed",
        "session_ref": SESSION,
        "provider_payment_ids": ("403993715521889530", TXNID),
        "amount": 49900,
        "currency": "INR",
        "refund_id": None,
        "refunded_total": None,
        "failure_reason": None,
        "occurred_at": None,
    }


@pytest.mark.parametrize(
    ("status", "kind", "reason"),
    [
        ("failure", "payment_failed", "Bank was unable to authenticate."),
        ("pending", "payment_pending", None),
    ],
)
async def test_verify_payment_maps_failures_and_pending(
    client_for: Callable[[Script], PayuClient], status: str, kind: str, reason: str | None
) -> None:
    """A failure carries PayU's error message; a pending payment is pending."""
    details = transaction(status, error_Message=reason or "No Error")
    event = await client_for(Script(answer(200, verified((TXNID, details))))).payment_status(TXNID)
    assert event is not None
    assert (event.kind.value, event.failure_reason) == (kind, reason)


@pytest.mark.parametrize("status", ["Not Found", "dropped"])
async def test_an_unknown_or_unmapped_transaction_reports_nothing(
    client_for: Callable[[Script], PayuClient], status: str
) -> None:
    """A txnid PayU does not know, or a status paywire does not map, is no event."""
    details = {"mihpayid": "Not Found", "status": status}
    found = verified((TXNID, details), status=0 if status == "Not Found" else 1)
    assert await client_for(Script(answer(200, found))).payment_status(TXNID) is None


async def test_an_invalid_hash_is_an_authentication_failure(
    client_for: Callable[[Script], PayuClient],
) -> None:
    """PayU's 200 ``Invalid Hash.`` is reported as refused credentials."""
    script = Script(answer(200, {"status": 0, "msg": "Invalid Hash."}))
    with pytest.raises(ProviderApiError) as raised:
        await client_for(script).payment_status(TXNID)
    assert (raised.value.code, type(raised.value)) == (
        "provider_authentication_failed",
        ProviderApiError,
    )


async def test_verify_payment_is_retried_when_payu_fails(
    client_for: Callable[[Script], PayuClient],
) -> None:
    """verify_payment only reads, so a 503 is retried until PayU answers."""
    script = Script(answer(503), answer(200, verified((TXNID, transaction()))))
    event = await client_for(script).payment_status(TXNID)
    assert (event is not None, len(script.requests)) == (True, 2)


async def test_a_refund_sends_payu_id_token_and_rupees(
    client_for: Callable[[Script], PayuClient],
) -> None:
    """cancel_refund_transaction carries mihpayid, the token and the amount in rupees."""
    queued = {
        "status": 1,
        "msg": "Refund Request Queued",
        "request_id": 11865427756,
        "bank_ref_num": None,
        "mihpayid": 403993715521889530,
        "error_code": 102,
    }
    script = Script(answer(200, queued))
    refund = await client_for(script).refund(
        mihpayid="403993715521889530", token="rfd_01J5ZM", amount=Money(12550, "INR")
    )
    assert sent_form(script.requests[0]) == {
        "key": KEY,
        "command": "cancel_refund_transaction",
        "var1": "403993715521889530",
        "var2": "rfd_01J5ZM",
        "var3": "125.50",
        "hash": sha512(f"{KEY}|cancel_refund_transaction|403993715521889530|{SALT}"),
    }
    assert refund == RefundAnswer(
        status=1, msg="Refund Request Queued", request_id="11865427756", error_code=102
    )


async def test_a_repeated_refund_token_is_the_refund_payu_holds(
    client_for: Callable[[Script], PayuClient],
) -> None:
    """``Token already exists.`` (106) answers the refund PayU already accepted."""
    repeated = {"status": 0, "msg": "Token already exists.", "error_code": 106}
    refund = await client_for(Script(answer(200, repeated))).refund(
        mihpayid="403993715521889530", token="rfd_01J5ZM", amount=Money(100, "INR")
    )
    assert refund == RefundAnswer(status=0, msg="Token already exists.", error_code=106)


async def test_a_refused_refund_carries_payus_error_code(
    client_for: Callable[[Script], PayuClient],
) -> None:
    """Any other refusal is a ``ProviderApiError`` with PayU's code and message."""
    refused = {"status": 0, "msg": "Invalid amount", "error_code": 105}
    with pytest.raises(ProviderApiError) as raised:
        await client_for(Script(answer(200, refused))).refund(
            mihpayid="403993715521889530", token="rfd_01J5ZM", amount=Money(100, "INR")
        )
    assert (raised.value.code, raised.value.message) == ("payu_error_105", "Invalid amount")


async def test_an_answer_that_is_not_payus_shape_is_unavailable(
    client_for: Callable[[Script], PayuClient],
) -> None:
    """A 200 whose body is not a verify answer counts as PayU failing."""
    script = Script(answer(200, {"unexpected": True}))
    with pytest.raises(ProviderApiUnavailable):
        await client_for(script).payment_status(TXNID)
