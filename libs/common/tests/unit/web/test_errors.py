from collections.abc import AsyncIterator

import httpx
import pytest
from common.web import ApiError, error_response, install_error_handlers
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel


class Order(BaseModel):
    amount: int
    currency: str


def make_app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/conflict")
    async def conflict() -> None:
        raise ApiError(409, "session_paid", "the session is already paid", {"status": "paid"})

    @app.get("/gone")
    async def gone() -> None:
        raise ApiError(410, "link_expired", "the link has expired")

    @app.post("/orders/{order_id}")
    async def create(order_id: int, order: Order) -> dict[str, int]:
        return {"order_id": order_id, "amount": order.amount}

    @app.get("/private")
    async def private() -> None:
        raise HTTPException(401, "sign in first", headers={"WWW-Authenticate": "Bearer"})

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("database password is hunter2")

    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=make_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_an_api_error_answers_with_its_status_code_and_message(
    client: httpx.AsyncClient,
) -> None:
    """An ``ApiError`` becomes its status and ``{"error": {"code", "message"}}``."""
    response = await client.get("/conflict")
    assert (response.status_code, response.json()) == (
        409,
        {
            "error": {
                "code": "session_paid",
                "message": "the session is already paid",
                "details": {"status": "paid"},
            }
        },
    )
    response = await client.get("/gone")
    assert (response.status_code, response.json()) == (
        410,
        {"error": {"code": "link_expired", "message": "the link has expired"}},
    )


async def test_an_invalid_request_answers_422_with_the_failing_fields(
    client: httpx.AsyncClient,
) -> None:
    """A request that fails validation gets 422 ``invalid_request`` naming each field."""
    response = await client.post("/orders/abc", json={"amount": "many"})
    assert (response.status_code, response.json()) == (
        422,
        {
            "error": {
                "code": "invalid_request",
                "message": "the request is not valid",
                "details": {
                    "fields": [
                        {
                            "loc": ["path", "order_id"],
                            "message": "Input should be a valid integer, "
                            "unable to parse string as an integer",
                        },
                        {
                            "loc": ["body", "amount"],
                            "message": "Input should be a valid integer, "
                            "unable to parse string as an integer",
                        },
                        {"loc": ["body", "currency"], "message": "Field required"},
                    ]
                },
            }
        },
    )


async def test_a_body_that_is_not_json_answers_422(client: httpx.AsyncClient) -> None:
    """A body that does not parse is a client error, not a 500."""
    response = await client.post(
        "/orders/1", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert (response.status_code, response.json()["error"]["code"]) == (422, "invalid_request")


async def test_an_unknown_route_answers_404(client: httpx.AsyncClient) -> None:
    """An unknown path gets 404 ``not_found`` in the same shape."""
    response = await client.get("/nowhere")
    assert (response.status_code, response.json()) == (
        404,
        {"error": {"code": "not_found", "message": "Not Found"}},
    )


async def test_a_wrong_method_answers_405(client: httpx.AsyncClient) -> None:
    """A known path with the wrong method gets 405 ``method_not_allowed`` and ``Allow``."""
    response = await client.delete("/conflict")
    assert (response.status_code, response.headers.get("allow"), response.json()) == (
        405,
        "GET",
        {"error": {"code": "method_not_allowed", "message": "Method Not Allowed"}},
    )


async def test_an_http_exception_keeps_its_code_message_and_headers(
    client: httpx.AsyncClient,
) -> None:
    """An ``HTTPException`` answers in our shape and keeps headers such as ``WWW-Authenticate``."""
    response = await client.get("/private")
    assert (response.status_code, response.headers.get("www-authenticate"), response.json()) == (
        401,
        "Bearer",
        {"error": {"code": "unauthorized", "message": "sign in first"}},
    )


async def test_an_unexpected_exception_answers_500_without_its_text(
    client: httpx.AsyncClient,
) -> None:
    """An unexpected exception gives 500 ``internal_error`` and never the exception text."""
    response = await client.get("/boom")
    assert (response.status_code, response.json()) == (
        500,
        {"error": {"code": "internal_error", "message": "an internal error occurred"}},
    )
    assert "hunter2" not in response.text


def test_error_response_leaves_out_empty_details() -> None:
    """``details`` appears only when there are some."""
    response = error_response(400, "bad_request", "no", {})
    assert (response.status_code, response.body) == (
        400,
        b'{"error":{"code":"bad_request","message":"no"}}',
    )
