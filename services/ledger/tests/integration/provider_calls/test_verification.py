"""``POST /v1/sessions/{id}/verify`` and ``/manual-verification`` over HTTP."""

from typing import Any

import httpx
import pytest
from ledger.operations import create_merchant

from ...fakes.gateway import FakeGateway  # noqa: TID252 - the tests are no package
from ..snapshots import Db, paid_once, snapshot  # noqa: TID252
from .conftest import Paid

pytestmark = pytest.mark.integration


async def test_verify_applies_what_the_provider_reports_and_answers_the_session(
    db: Db,
    api: httpx.AsyncClient,
    gateway: FakeGateway,
    open_session: Paid,
    headers: dict[str, str],
    merchant: dict[str, str],
) -> None:
    """The return-URL fast path: the provider says paid, the answer shows paid."""
    session = await open_session()
    gateway.answer_paid(session["id"], 1000, "USD")
    response = await api.post(f"/v1/sessions/{session['id']}/verify", headers=headers)
    again = await api.post(f"/v1/sessions/{session['id']}/verify", headers=headers)
    body = response.json()
    assert (response.status_code, body["status"], again.json()["status"]) == (200, "paid", "paid")
    assert [(t["kind"], t["detail"].get("verified_by")) for t in body["timeline"]] == [
        ("received", "api_confirmed"),
        ("applied", None),
    ]
    assert await snapshot(db, session["id"]) == paid_once(
        merchant["merchant_id"], "received", "applied"
    )


async def test_verify_while_the_provider_is_down_answers_502_and_changes_nothing(
    db: Db,
    api: httpx.AsyncClient,
    gateway: FakeGateway,
    open_session: Paid,
    headers: dict[str, str],
) -> None:
    """An unreachable provider is a 502 the merchant may retry."""
    session = await open_session()
    gateway.down = True
    response = await api.post(f"/v1/sessions/{session['id']}/verify", headers=headers)
    assert (response.status_code, response.json()) == (
        502,
        {
            "error": {
                "code": "provider_unavailable",
                "message": "stripe is unavailable (the provider answered 503); retry later",
                "details": {"provider": "stripe", "provider_code": "http_503"},
            }
        },
    )
    assert (await snapshot(db, session["id"]))["status"] == "created"


async def test_verify_without_the_providers_api_is_refused(
    api: httpx.AsyncClient, open_session: Paid, headers: dict[str, str]
) -> None:
    """A provider paywire has no API access to cannot be asked."""
    session = await open_session(provider="razorpay", currency="inr")
    response = await api.post(f"/v1/sessions/{session['id']}/verify", headers=headers)
    assert (response.status_code, response.json()) == (
        422,
        {
            "error": {
                "code": "verification_unsupported",
                "message": "paywire has no razorpay API access configured",
            }
        },
    )


async def test_another_merchants_session_is_not_found(
    api: httpx.AsyncClient, open_session: Paid, database_url: str
) -> None:
    """Neither verification route reveals another merchant's session."""
    session = await open_session()
    other = await create_merchant(database_url, "Other")
    headers = {"authorization": f"Bearer {other['api_key']}"}
    answers = [
        await api.post(f"/v1/sessions/{session['id']}/verify", headers=headers),
        await api.post(
            f"/v1/sessions/{session['id']}/manual-verification", json={"note": "x"}, headers=headers
        ),
    ]
    assert [(a.status_code, a.json()["error"]["code"]) for a in answers] == [
        (404, "not_found"),
        (404, "not_found"),
    ]


async def test_a_manual_verification_pays_and_is_audited_on_the_timeline(
    db: Db,
    api: httpx.AsyncClient,
    open_session: Paid,
    headers: dict[str, str],
    merchant: dict[str, str],
) -> None:
    """Paid by hand: journaled like any capture; the timeline says who and why."""
    session = await open_session()
    note = "paid by bank transfer, ref 7781"
    response = await api.post(
        f"/v1/sessions/{session['id']}/manual-verification", json={"note": note}, headers=headers
    )
    body = response.json()
    who = {"merchant_id": merchant["merchant_id"], "note": note}
    event_id = body["timeline"][0]["event_id"]
    assert (response.status_code, body["status"]) == (200, "paid")
    assert [(t["kind"], t["event_id"], t["detail"]) for t in body["timeline"]] == [
        ("received", event_id, {"request": "manual_verification"} | who),
        (
            "applied",
            event_id,
            {"trigger": "confirmed_manually", "from": "created", "to": "paid"}
            | {"verified_by": "merchant"}
            | who,
        ),
    ]
    assert await snapshot(db, session["id"]) == paid_once(
        merchant["merchant_id"], "received", "applied"
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, (422, "invalid_request")),
        ({"note": ""}, (422, "invalid_request")),
        ({"note": "again"}, (409, "invalid_status")),
    ],
    ids=["no-note", "empty-note", "already-paid"],
)
async def test_a_manual_verification_without_a_note_or_of_a_paid_session_is_refused(
    db: Db,
    api: httpx.AsyncClient,
    paid_session: Paid,
    headers: dict[str, str],
    merchant: dict[str, str],
    body: dict[str, Any],
    expected: tuple[int, str],
) -> None:
    """A note is required, and a settled session cannot be confirmed again."""
    session = await paid_session()
    response = await api.post(
        f"/v1/sessions/{session['id']}/manual-verification", json=body, headers=headers
    )
    assert (response.status_code, response.json()["error"]["code"]) == expected
    assert await snapshot(db, session["id"]) == paid_once(
        merchant["merchant_id"], "received", "applied"
    )
