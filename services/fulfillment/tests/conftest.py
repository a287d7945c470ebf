"""Fixtures shared by fulfillment's unit and integration tests."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx
import pytest
from common.ids import new_id, random_token
from fastapi import FastAPI, Header
from fastapi.responses import JSONResponse
from fulfillment.merchants import Merchant


@dataclass
class StandInLedger:
    """A stand-in for the ledger's ``GET /v1/merchant`` (the real one lives in services/ledger).

    It answers 200 ``{"id", "name"}`` for a key it knows and 401 otherwise, the contract
    fulfillment relies on, and counts the calls it gets.
    """

    keys: dict[str, Merchant] = field(default_factory=dict)
    calls: int = 0

    def add_merchant(self, name: str = "Acme Tools") -> tuple[Merchant, str]:
        """Register a new merchant and return it with its API key."""
        merchant = Merchant(id=new_id("mer"), name=name)
        key = f"sk_test_{random_token(16)}"
        self.keys[key] = merchant
        return merchant, key

    def app(self) -> FastAPI:
        """The ASGI app answering ``GET /v1/merchant``."""
        app = FastAPI()

        @app.get("/v1/merchant")
        async def merchant(authorization: str = Header(default="")) -> JSONResponse:
            self.calls += 1
            found = self.keys.get(authorization.removeprefix("Bearer "))
            if found is None:
                return JSONResponse({"error": {"code": "unauthorized"}}, status_code=401)
            return JSONResponse({"id": found.id, "name": found.name})

        return app

    def client(self) -> httpx.AsyncClient:
        """An HTTP client whose requests reach this stand-in in-process."""
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app()), base_url="http://ledger.test"
        )


@pytest.fixture(scope="session")
def ledger() -> StandInLedger:
    """The stand-in ledger every test registers its merchants with."""
    return StandInLedger()
