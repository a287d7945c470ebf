"""The Pi server flow through ``/pi/payments/...``, against a fake Pi Platform API and a fake
ledger, both real HTTP servers on loopback speaking the real formats."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from common.events import ProviderEvent, RawBody, VerifiedBy
from common.events import ProviderEventKind as Kind
from common.ids import event_id_for
from common.logging import configure_logging

# The tests are no package: a parent-relative import is how pytest's importlib mode finds them.
from ...fakes import closed_port_url  # noqa: TID252
from .conftest import API_KEY, PI, PI_MINOR, World


def error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def published_event(world: World, payment_id: str, kind: Kind, step: str) -> ProviderEvent:
    """The event ingress publishes for the payment as the fake Pi API shows it now."""
    payment = world.pi.payments[payment_id]
    txid = payment["transaction"]["txid"] if payment["transaction"] else None
    return ProviderEvent(
        provider="pi",
        provider_event_id=f"{payment_id}:{step}",
        provider_event_type=f"payment.{step}",
        kind=kind,
        verified_by=VerifiedBy.API_CONFIRMED,
        session_ref=payment["metadata"]["paywire_session_id"],
        provider_payment_ids=(payment_id, txid) if txid else (payment_id,),
        amount=PI_MINOR,
        currency="PI",
        raw=RawBody(content_type="application/json", text=world.pi.dto(payment_id)),
    )


def answer(payment_id: str, session_id: str, status: str, published: bool = True) -> dict[str, Any]:
    event_id = event_id_for("pi", f"{payment_id}:{status}") if published else None
    return {
        "payment_id": payment_id,
        "session_id": session_id,
        "status": status,
        "event_id": event_id,
    }


def get(payment_id: str) -> tuple[str, str, None]:
    return ("GET", f"/v2/payments/{payment_id}", None)


def new_payment(world: World, amount: str = PI, **session: Any) -> tuple[str, str]:
    session_id = world.ledger.add(PI_MINOR, **session)
    return world.pi.create_payment(amount, session_id), session_id


async def test_approve_checks_then_approves_and_publishes_pending(
    world, pi_client, publisher
) -> None:
    """A payment matching its session is approved at Pi, then published as pending."""
    payment_id, session_id = new_payment(world)
    async with pi_client(publisher) as client:
        response = await client.post(f"/pi/payments/{payment_id}/approve")
    [(routing_key, event)] = publisher.published
    assert (response.status_code, response.json()) == (
        200,
        answer(payment_id, session_id, "approved"),
    )
    assert world.pi.calls == [get(payment_id), ("POST", f"/v2/payments/{payment_id}/approve", None)]
    assert (routing_key, event.id, event.data) == (
        "provider.pi.payment_pending",
        event_id_for("pi", f"{payment_id}:approved"),
        published_event(world, payment_id, Kind.PAYMENT_PENDING, "approved").model_dump(
            mode="json"
        ),
    )


async def test_amount_mismatch_is_refused_before_approving(world, pi_client, publisher) -> None:
    """A payment for another amount is refused with 409; /approve is never called."""
    payment_id, _ = new_payment(world, amount="3.14")
    async with pi_client(publisher) as client:
        response = await client.post(f"/pi/payments/{payment_id}/approve")
    assert (response.status_code, response.json(), world.pi.calls, publisher.published) == (
        409,
        error("amount_mismatch", "the payment is 3.14 PI; the session expects 3.1415926 PI"),
        [get(payment_id)],
        [],
    )


@pytest.mark.parametrize(
    ("metadata", "direction", "expected"),
    [
        (
            {},
            "user_to_app",
            error("metadata_mismatch", "the payment's metadata has no paywire_session_id"),
        ),
        (
            {"paywire_session_id": 7},
            "user_to_app",
            error("metadata_mismatch", "the payment's metadata has no paywire_session_id"),
        ),
        (
            None,
            "app_to_user",
            error("direction_mismatch", "only a user-to-app payment pays a session"),
        ),
    ],
    ids=["no-session-id", "session-id-not-a-string", "app-to-user"],
)
async def test_a_payment_that_names_no_session_is_refused(
    world, pi_client, publisher, metadata, direction, expected
) -> None:
    """A payment without a paywire session id, or paid by the app, is refused with 409."""
    session_id = world.ledger.add(PI_MINOR)
    payment_id = world.pi.create_payment(PI, session_id, metadata=metadata, direction=direction)
    async with pi_client(publisher) as client:
        response = await client.post(f"/pi/payments/{payment_id}/approve")
    assert (response.status_code, response.json(), world.pi.calls, publisher.published) == (
        409,
        expected,
        [get(payment_id)],
        [],
    )


@pytest.mark.parametrize(
    "session_id",
    ["ses_01J5ZK3V8QH7N2M4R6T9W1X3YA", "not-a-session", "ses_01J5ZK3V8QH7N2M4R6T9W1X3YA\n"],
)
async def test_unknown_session_is_404(world, pi_client, publisher, session_id) -> None:
    """A payment naming a session the ledger does not have is refused with 404."""
    payment_id = world.pi.create_payment(PI, session_id)
    async with pi_client(publisher) as client:
        response = await client.post(f"/pi/payments/{payment_id}/approve")
    assert (response.status_code, response.json(), publisher.published) == (
        404,
        error("unknown_session", "no paywire session has the payment's session id"),
        [],
    )


@pytest.mark.parametrize("status", ["paid", "expired", "cancelled", "review"])
async def test_a_session_that_cannot_be_paid_is_not_approved(
    world, pi_client, publisher, status
) -> None:
    """Approving for a session already paid or closed is refused with 409."""
    payment_id, _ = new_payment(world, status=status)
    async with pi_client(publisher) as client:
        response = await client.post(f"/pi/payments/{payment_id}/approve")
    assert (response.status_code, response.json(), world.pi.calls) == (
        409,
        error("session_not_payable", f"the session is {status}"),
        [get(payment_id)],
    )


async def test_complete_with_txid_publishes_success(world, pi_client, publisher) -> None:
    """Approve, the user pays, complete with the txid: completed at Pi, published as paid."""
    payment_id, session_id = new_payment(world)
    async with pi_client(publisher) as client:
        await client.post(f"/pi/payments/{payment_id}/approve")
        txid = world.pi.submit_transaction(payment_id)
        response = await client.post(f"/pi/payments/{payment_id}/complete", json={"txid": txid})
    _, (routing_key, completed) = publisher.published
    assert (response.status_code, response.json()) == (
        200,
        answer(payment_id, session_id, "completed"),
    )
    assert world.pi.calls[-1] == ("POST", f"/v2/payments/{payment_id}/complete", {"txid": txid})
    assert (routing_key, completed.data) == (
        "provider.pi.payment_succeeded",
        published_event(world, payment_id, Kind.PAYMENT_SUCCEEDED, "completed").model_dump(
            mode="json"
        ),
    )


@pytest.mark.parametrize(
    ("prepare", "txid", "expected"),
    [
        (
            lambda pi, p: None,
            "a" * 64,
            error("no_transaction", "the payment has no blockchain transaction"),
        ),
        (
            lambda pi, p: pi.submit_transaction(p, verified=False),
            "a" * 64,
            error("transaction_unverified", "Pi has not verified the transaction"),
        ),
        (
            lambda pi, p: pi.submit_transaction(p),
            "a" * 64,
            error("txid_mismatch", "the txid is not the payment's transaction"),
        ),
    ],
    ids=["before-the-transaction", "unverified", "another-txid"],
)
async def test_complete_is_refused_unless_the_txid_is_pi_verified(
    world, pi_client, publisher, prepare, txid, expected
) -> None:
    """Completion needs Pi's verified transaction with the same txid; /complete is not called."""
    payment_id, _ = new_payment(world)
    world.pi.approve_directly(payment_id)
    prepare(world.pi, payment_id)
    async with pi_client(publisher) as client:
        response = await client.post(f"/pi/payments/{payment_id}/complete", json={"txid": txid})
    assert (response.status_code, response.json(), world.pi.calls, publisher.published) == (
        409,
        expected,
        [get(payment_id)],
        [],
    )


async def test_incomplete_payment_on_chain_is_completed(world, pi_client, publisher) -> None:
    """An incomplete payment whose transaction Pi verified is completed with Pi's txid."""
    payment_id, session_id = new_payment(world)
    world.pi.approve_directly(payment_id)
    txid = world.pi.submit_transaction(payment_id)
    sdk_payment = json.loads(world.pi.dto(payment_id)) | {"amount": 1}  # only the id is trusted
    async with pi_client(publisher) as client:
        response = await client.post("/pi/payments/incomplete", json=sdk_payment)
    [(routing_key, event)] = publisher.published
    assert (response.status_code, response.json()) == (
        200,
        answer(payment_id, session_id, "completed"),
    )
    assert world.pi.calls == [
        get(payment_id),
        ("POST", f"/v2/payments/{payment_id}/complete", {"txid": txid}),
    ]
    assert (routing_key, event.data) == (
        "provider.pi.payment_succeeded",
        published_event(world, payment_id, Kind.PAYMENT_SUCCEEDED, "completed").model_dump(
            mode="json"
        ),
    )


async def test_incomplete_payment_already_completed_is_published(
    world, pi_client, publisher
) -> None:
    """A payment Pi already shows completed is published as paid without calling Pi again."""
    payment_id, session_id = new_payment(world)
    world.pi.approve_directly(payment_id)
    world.pi.submit_transaction(payment_id)
    world.pi.complete_directly(payment_id)
    async with pi_client(publisher) as client:
        response = await client.post("/pi/payments/incomplete", json={"identifier": payment_id})
    keys = [key for key, _ in publisher.published]
    assert (response.status_code, response.json(), world.pi.calls, keys) == (
        200,
        answer(payment_id, session_id, "completed"),
        [get(payment_id)],
        ["provider.pi.payment_succeeded"],
    )


async def test_incomplete_cancelled_payment_is_published_as_cancelled(
    world, pi_client, publisher
) -> None:
    """A cancelled incomplete payment is published as cancelled."""
    payment_id, session_id = new_payment(world)
    world.pi.cancel(payment_id)
    async with pi_client(publisher) as client:
        response = await client.post("/pi/payments/incomplete", json={"identifier": payment_id})
    [(routing_key, event)] = publisher.published
    assert (response.status_code, response.json(), routing_key, event.data) == (
        200,
        answer(payment_id, session_id, "cancelled"),
        "provider.pi.payment_canceled",
        published_event(world, payment_id, Kind.PAYMENT_CANCELED, "cancelled").model_dump(
            mode="json"
        ),
    )


@pytest.mark.parametrize("approved", [False, True], ids=["created", "approved"])
async def test_incomplete_payment_without_transaction_is_reported(
    world, pi_client, publisher, approved
) -> None:
    """Nothing on chain yet: the state is reported and nothing is published or called."""
    payment_id, session_id = new_payment(world)
    if approved:
        world.pi.approve_directly(payment_id)
    status = "approved" if approved else "created"
    async with pi_client(publisher) as client:
        response = await client.post("/pi/payments/incomplete", json={"identifier": payment_id})
    assert (response.status_code, response.json(), world.pi.calls, publisher.published) == (
        200,
        answer(payment_id, session_id, status, published=False),
        [get(payment_id)],
        [],
    )


async def test_approving_a_cancelled_payment_publishes_the_cancellation(
    world, pi_client, publisher
) -> None:
    """Approve on a payment the user cancelled: 409, and the cancellation is published."""
    payment_id, _ = new_payment(world)
    world.pi.cancel(payment_id)
    async with pi_client(publisher) as client:
        response = await client.post(f"/pi/payments/{payment_id}/approve")
    keys = [key for key, _ in publisher.published]
    assert (response.status_code, response.json(), keys) == (
        409,
        error("payment_cancelled", "the payment was cancelled"),
        ["provider.pi.payment_canceled"],
    )


async def test_pi_api_unreachable_is_503_and_nothing_is_published(
    world, pi_client, publisher
) -> None:
    """When the Pi API does not answer, 503 and nothing published."""
    payment_id, _ = new_payment(world)
    async with pi_client(publisher, pi_url=closed_port_url()) as client:
        response = await client.post(f"/pi/payments/{payment_id}/approve")
    assert (response.status_code, response.json(), publisher.published) == (
        503,
        error("provider_unavailable", "the Pi Platform API did not answer; retry"),
        [],
    )


@pytest.mark.parametrize(
    ("failure", "api_key", "expected"),
    [
        (500, API_KEY, error("provider_error", "the Pi Platform API answered 500")),
        (None, "wrong-key", error("provider_error", "the Pi Platform API answered 401")),
    ],
    ids=["server-error", "wrong-key"],
)
async def test_pi_api_errors_are_502_and_nothing_is_published(
    world, pi_client, publisher, failure, api_key, expected
) -> None:
    """An error answer from the Pi API (or a refused key) is 502; nothing is published."""
    payment_id, _ = new_payment(world)
    world.pi.failure = failure
    async with pi_client(publisher, api_key=api_key) as client:
        response = await client.post(f"/pi/payments/{payment_id}/approve")
    assert (response.status_code, response.json(), publisher.published) == (502, expected, [])


async def test_unknown_payment_is_404(world, pi_client, publisher) -> None:
    """A payment id the Pi API does not know is 404."""
    async with pi_client(publisher) as client:
        response = await client.post("/pi/payments/NoSuchPayment000000000000000/approve")
    assert (response.status_code, response.json()) == (
        404,
        error("unknown_payment", "the Pi Platform API knows no such payment"),
    )


async def test_ledger_unreachable_is_503(world, pi_client, publisher) -> None:
    """When the ledger does not answer, the payment cannot be checked: 503, nothing approved."""
    payment_id, _ = new_payment(world)
    async with pi_client(publisher, ledger_url=closed_port_url()) as client:
        response = await client.post(f"/pi/payments/{payment_id}/approve")
    assert (response.status_code, response.json(), world.pi.calls) == (
        503,
        error("ledger_unavailable", "the ledger did not answer; retry"),
        [get(payment_id)],
    )


async def test_a_retry_after_a_failed_publish_publishes_once_approved(
    world, pi_client, publisher, unavailable_publisher
) -> None:
    """Approved at Pi but not stored: 503; the retry publishes the same event without
    approving twice."""
    payment_id, session_id = new_payment(world)
    async with pi_client(unavailable_publisher) as client:
        failed = await client.post(f"/pi/payments/{payment_id}/approve")
    async with pi_client(publisher) as client:
        retried = await client.post(f"/pi/payments/{payment_id}/approve")
    approvals = [call for call in world.pi.calls if call[1].endswith("/approve")]
    assert (failed.status_code, failed.json()) == (
        503,
        error("publish_failed", "the event was not stored; retry"),
    )
    assert (retried.status_code, retried.json(), len(approvals), len(publisher.published)) == (
        200,
        answer(payment_id, session_id, "approved"),
        1,
        1,
    )


async def test_pi_without_api_key_is_404(world, pi_client, publisher) -> None:
    """Without PAYWIRE_PI__API_KEY every Pi route answers 404 and calls nothing."""
    async with pi_client(publisher, api_key=None) as client:
        responses = [
            await client.post("/pi/payments/abc/approve"),
            await client.post("/pi/payments/abc/complete", json={"txid": "a" * 64}),
            await client.post("/pi/payments/incomplete", json={"identifier": "abc"}),
        ]
    assert ([(r.status_code, r.json()) for r in responses], world.pi.calls) == (
        [(404, error("unknown_provider", "pi is not configured"))] * 3,
        [],
    )


@pytest.mark.parametrize(
    ("path", "body", "status", "expected"),
    [
        ("/pi/payments/a.b/approve", None, 422, error("invalid_request", "not a Pi payment id")),
        (
            "/pi/payments/" + "a" * 129 + "/approve",
            None,
            422,
            error("invalid_request", "not a Pi payment id"),
        ),
        (
            "/pi/payments/abc/complete",
            b"{}",
            422,
            error("invalid_request", "the body is not valid (txid)"),
        ),
        (
            "/pi/payments/abc/complete",
            b'{"txid": "ABC"}',
            422,
            error("invalid_request", "the body is not valid (txid)"),
        ),
        (
            "/pi/payments/abc/complete",
            b"\xff",
            422,
            error("invalid_request", "the body is not valid"),
        ),
        ("/pi/payments/incomplete", b"[]", 422, error("invalid_request", "the body is not valid")),
        (
            "/pi/payments/incomplete",
            b'{"identifier": "../x"}',
            422,
            error("invalid_request", "the body is not valid (identifier)"),
        ),
        (
            "/pi/payments/incomplete",
            b"x" * 5000,
            413,
            error("payload_too_large", "the body exceeds 4096 bytes"),
        ),
    ],
    ids=[
        "dotted-id",
        "long-id",
        "no-txid",
        "bad-txid",
        "not-json",
        "not-an-object",
        "path-in-id",
        "too-large",
    ],
)
async def test_malformed_requests_are_refused_before_calling_pi(
    world, pi_client, publisher, path, body, status, expected
) -> None:
    """A malformed payment id or body is refused with 422 (or 413) and Pi is not called."""
    async with pi_client(publisher) as client:
        response = await client.post(path, content=body)
    assert (response.status_code, response.json(), world.pi.calls) == (status, expected, [])


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.usefixtures("restore_logging")
async def test_the_api_key_is_never_logged(world, pi_client, publisher, capsys) -> None:
    """A whole approve and complete, logged at DEBUG without scrubbing, never shows the key."""
    configure_logging("DEBUG", "json", secrets=[])
    payment_id, _ = new_payment(world)
    async with pi_client(publisher) as client:
        await client.post(f"/pi/payments/{payment_id}/approve", headers={"X-Request-Id": "pi-1"})
        txid = world.pi.submit_transaction(payment_id)
        await client.post(f"/pi/payments/{payment_id}/complete", json={"txid": txid})
    output = capsys.readouterr().out
    lines = [json.loads(line) for line in output.splitlines()]
    summaries = [
        (line["action"], line["status"]) for line in lines if line["event"] == "pi_request"
    ]
    assert (summaries, API_KEY in output) == ([("approve", 200), ("complete", 200)], False)
