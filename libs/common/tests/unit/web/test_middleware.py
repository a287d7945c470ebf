import httpx
from common.ids import new_id
from common.web import RequestLogMiddleware
from fastapi import FastAPI, Request


def make_client() -> httpx.AsyncClient:
    app = FastAPI()
    app.add_middleware(RequestLogMiddleware)

    @app.get("/whoami")
    async def whoami(request: Request) -> dict[str, str]:
        return {"correlation_id": request.state.correlation_id}

    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_a_request_id_from_the_caller_is_the_correlation_id() -> None:
    """``X-Request-Id`` becomes the correlation id and is echoed back."""
    async with make_client() as client:
        response = await client.get("/whoami", headers={"X-Request-Id": "req_from_lb"})
    assert (response.json(), response.headers["x-request-id"]) == (
        {"correlation_id": "req_from_lb"},
        "req_from_lb",
    )


async def test_a_request_without_an_id_gets_a_new_one() -> None:
    """Without ``X-Request-Id`` a new ``req_`` id is made and echoed back."""
    async with make_client() as client:
        response = await client.get("/whoami")
    correlation_id = response.headers["x-request-id"]
    assert response.json() == {"correlation_id": correlation_id}
    assert (correlation_id[:4], len(correlation_id)) == ("req_", len(new_id("req")))
