"""The merchant API over HTTP against a real, migrated Postgres."""

import asyncio
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from common.ids import SESSION_ID_PATTERN
from ledger.operations import create_merchant

pytestmark = pytest.mark.integration

BODY = {
    "amount": 49900,
    "currency": "inr",
    "provider": "razorpay",
    "customer": {"id": "cus_42", "email": "asha@example.org", "name": "Asha"},
    "product": "Pro plan",
    "description": "One year of Pro",
    "reference": "order-1001",
    "metadata": {"plan": "pro"},
    "return_url": "https://shop.example.org/thanks",
}


def auth(merchant: dict[str, str]) -> dict[str, str]:
    return {"authorization": merchant["authorization"]}


async def test_creating_a_session_answers_201_with_the_session(
    client: httpx.AsyncClient, merchant: dict[str, str]
) -> None:
    """A valid request creates a session in status created, expiring after the set TTL."""
    response = await client.post("/v1/sessions", json=BODY, headers=auth(merchant))
    body = response.json()
    created = datetime.fromisoformat(body["created_at"])
    assert (response.status_code, SESSION_ID_PATTERN.match(body["id"]) is not None) == (201, True)
    assert datetime.fromisoformat(body["expires_at"]) - created == timedelta(hours=1)
    assert body == BODY | {
        "id": body["id"],
        "status": "created",
        "currency": "INR",
        "amount_refunded": 0,
        "created_at": body["created_at"],
        "expires_at": body["expires_at"],
        "checkout": None,
    }


async def test_the_same_idempotency_key_and_body_replays_the_answer(
    client: httpx.AsyncClient, merchant: dict[str, str]
) -> None:
    """Repeating a request with its Idempotency-Key returns the first answer, unchanged."""
    headers = auth(merchant) | {"idempotency-key": "create-1"}
    first = await client.post("/v1/sessions", json=BODY, headers=headers)
    second = await client.post("/v1/sessions", json=BODY, headers=headers)
    listed = await client.get("/v1/sessions", headers=auth(merchant))
    assert (second.status_code, second.json()) == (201, first.json())
    assert second.headers["idempotent-replayed"] == "true"
    assert [s["id"] for s in listed.json()["data"]] == [first.json()["id"]]


async def test_an_idempotency_key_reused_with_another_body_is_a_conflict(
    client: httpx.AsyncClient, merchant: dict[str, str]
) -> None:
    """The same key with a different body answers 409 and creates nothing."""
    headers = auth(merchant) | {"idempotency-key": "create-2"}
    await client.post("/v1/sessions", json=BODY, headers=headers)
    response = await client.post("/v1/sessions", json=BODY | {"amount": 1}, headers=headers)
    assert (response.status_code, response.json()) == (
        409,
        {
            "error": {
                "code": "idempotency_key_reused",
                "message": "this Idempotency-Key was used with a different body",
            }
        },
    )


async def test_concurrent_requests_with_one_key_create_one_session(
    client: httpx.AsyncClient, merchant: dict[str, str]
) -> None:
    """Twenty simultaneous requests with the same key create a single session."""
    headers = auth(merchant) | {"idempotency-key": "create-3"}
    responses = await asyncio.gather(
        *(client.post("/v1/sessions", json=BODY, headers=headers) for _ in range(20))
    )
    listed = await client.get("/v1/sessions", headers=auth(merchant))
    ids = {r.json()["id"] for r in responses}
    assert {r.status_code for r in responses} == {201}
    assert [s["id"] for s in listed.json()["data"]] == list(ids)


async def test_a_duplicate_reference_is_a_conflict(
    client: httpx.AsyncClient, merchant: dict[str, str]
) -> None:
    """A merchant's reference is unique: the second session with it answers 409."""
    await client.post("/v1/sessions", json=BODY, headers=auth(merchant))
    response = await client.post("/v1/sessions", json=BODY, headers=auth(merchant))
    assert (response.status_code, response.json()) == (
        409,
        {
            "error": {
                "code": "reference_conflict",
                "message": "a session with this reference already exists",
            }
        },
    )


@pytest.mark.parametrize(
    "change",
    [
        {"amount": 0},
        {"amount": "100"},
        {"amount": 10.5},
        {"currency": "dollars"},
        {"provider": "paypal"},
        {"customer": {"email": "not-an-email"}},
        {"metadata": {"count": 3}},
        {"description": "nul\x00byte"},
        {"return_url": "javascript:alert(1)"},
        {"unexpected": True},
    ],
    ids=repr,
)
async def test_invalid_bodies_answer_422_and_create_nothing(
    client: httpx.AsyncClient, merchant: dict[str, str], change: dict[str, Any]
) -> None:
    """Invalid input answers 422 in the error shape and creates nothing."""
    response = await client.post("/v1/sessions", json=BODY | change, headers=auth(merchant))
    listed = await client.get("/v1/sessions", headers=auth(merchant))
    error = response.json()["error"]
    assert (response.status_code, error["code"], listed.json()["data"]) == (
        422,
        "invalid_request",
        [],
    )


async def test_malformed_json_and_bad_headers_are_client_errors(
    client: httpx.AsyncClient, merchant: dict[str, str]
) -> None:
    """A body that is not JSON and an unusable Idempotency-Key are 4xx, not 500."""
    broken = await client.post(
        "/v1/sessions",
        content=b'{"amount": ',
        headers=auth(merchant) | {"content-type": "application/json"},
    )
    bad_key = await client.post(
        "/v1/sessions", json=BODY, headers=auth(merchant) | {"idempotency-key": "a b"}
    )
    assert (broken.status_code, bad_key.status_code, bad_key.json()["error"]["code"]) == (
        422,
        400,
        "invalid_idempotency_key",
    )


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer nope", "Basic dXNlcjpwYXNz", "Bearer pwk_0123456789abcdef_" + "0" * 48],
)
async def test_requests_without_a_valid_key_answer_401(
    client: httpx.AsyncClient, authorization: str | None
) -> None:
    """A missing, malformed or unknown API key answers 401."""
    headers = {"authorization": authorization} if authorization else {}
    response = await client.post("/v1/sessions", json=BODY, headers=headers)
    assert (response.status_code, response.json()) == (
        401,
        {"error": {"code": "unauthorized", "message": "a valid merchant API key is required"}},
    )


async def test_a_merchant_never_sees_another_merchants_session(
    client: httpx.AsyncClient, merchant: dict[str, str], database_url: str
) -> None:
    """Another merchant's session is 404 and absent from the list."""
    other = await create_merchant(database_url, "Other Shop")
    other_headers = {"authorization": f"Bearer {other['api_key']}"}
    mine = (await client.post("/v1/sessions", json=BODY, headers=auth(merchant))).json()
    seen = await client.get(f"/v1/sessions/{mine['id']}", headers=other_headers)
    listed = await client.get("/v1/sessions", headers=other_headers)
    assert (seen.status_code, seen.json()["error"]["code"], listed.json()["data"]) == (
        404,
        "not_found",
        [],
    )


async def test_a_session_reads_back_with_its_history(
    client: httpx.AsyncClient, merchant: dict[str, str]
) -> None:
    """GET returns the created session with empty attempts, refunds and timeline."""
    created = (await client.post("/v1/sessions", json=BODY, headers=auth(merchant))).json()
    response = await client.get(f"/v1/sessions/{created['id']}", headers=auth(merchant))
    assert (response.status_code, response.json()) == (
        200,
        created | {"attempts": [], "refunds": [], "fulfillment": None, "timeline": []},
    )


@pytest.mark.parametrize("session_id", ["ses_01JDXXXXXXXXXXXXXXXXXXXXXX", "nope", "ses_%00"])
async def test_unknown_or_malformed_session_ids_are_404(
    client: httpx.AsyncClient, merchant: dict[str, str], session_id: str
) -> None:
    """An id that does not exist, or cannot, answers 404."""
    response = await client.get(f"/v1/sessions/{session_id}", headers=auth(merchant))
    public = await client.get(f"/v1/public/sessions/{session_id}")
    assert (response.status_code, public.status_code) == (404, 404)


async def test_listing_pages_newest_first_with_a_cursor(
    client: httpx.AsyncClient, merchant: dict[str, str]
) -> None:
    """Five sessions come back newest first, two per page, then the cursor runs out."""
    created = [
        (
            await client.post(
                "/v1/sessions", json=BODY | {"reference": f"r{i}"}, headers=auth(merchant)
            )
        ).json()["id"]
        for i in range(5)
    ]
    pages: list[list[str]] = []
    cursor: str | None = None
    while True:
        params = {"limit": "2"} | ({"cursor": cursor} if cursor else {})
        page = (await client.get("/v1/sessions", params=params, headers=auth(merchant))).json()
        pages.append([s["id"] for s in page["data"]])
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    newest_first = sorted(created, reverse=True)
    assert pages == [newest_first[0:2], newest_first[2:4], newest_first[4:5]]


async def test_listing_filters_by_status_and_refuses_bad_parameters(
    client: httpx.AsyncClient, merchant: dict[str, str]
) -> None:
    """A status filter applies; an unknown status is 422 and a forged cursor 400."""
    await client.post("/v1/sessions", json=BODY, headers=auth(merchant))
    paid = await client.get("/v1/sessions", params={"status": "paid"}, headers=auth(merchant))
    unknown = await client.get("/v1/sessions", params={"status": "won"}, headers=auth(merchant))
    forged = await client.get("/v1/sessions", params={"cursor": "!!"}, headers=auth(merchant))
    assert (paid.json(), unknown.status_code, forged.status_code, forged.json()) == (
        {"data": [], "has_more": False, "next_cursor": None},
        422,
        400,
        {"error": {"code": "invalid_cursor", "message": "the cursor is not valid"}},
    )


async def test_the_public_view_shows_only_status_and_amount(
    client: httpx.AsyncClient, merchant: dict[str, str]
) -> None:
    """Anyone with the id sees id, status, amount and currency, without a key."""
    created = (await client.post("/v1/sessions", json=BODY, headers=auth(merchant))).json()
    response = await client.get(f"/v1/public/sessions/{created['id']}")
    assert (response.status_code, response.json()) == (
        200,
        {"id": created["id"], "status": "created", "amount": 49900, "currency": "INR"},
    )


async def test_a_key_tells_who_its_merchant_is(
    client: httpx.AsyncClient, merchant: dict[str, str]
) -> None:
    """GET /v1/merchant names the key's merchant, for the services that accept merchant keys."""
    response = await client.get("/v1/merchant", headers=auth(merchant))
    anonymous = await client.get("/v1/merchant")
    assert (response.status_code, response.json(), anonymous.status_code) == (
        200,
        {"id": merchant["merchant_id"], "name": "Acme Books"},
        401,
    )


async def test_health_readiness_and_metrics_answer(client: httpx.AsyncClient) -> None:
    """/healthz and /readyz answer 200 with Postgres and RabbitMQ up; /metrics is Prometheus."""
    health = await client.get("/healthz")
    ready = await client.get("/readyz")
    metrics = await client.get("/metrics")
    assert (health.status_code, ready.status_code, ready.json()) == (
        200,
        200,
        {"status": "ready", "checks": {"database": "ok", "broker": "ok"}},
    )
    assert "ledger_sessions_created_total" in metrics.text
