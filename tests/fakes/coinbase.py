"""A fake Coinbase Commerce API: create a charge, read a charge by id or code.

JSON, ``X-CC-Api-Key`` and ``X-CC-Version``; answers wrap the charge as ``{"data": ...}``.
Errors are ``{"error": {"type", "message"}}`` (``authentication_error``, ``not_found``,
``param_required``, ``validation_error``, ``internal_server_error``, ...).

Controls: ``advance`` appends a status to a charge's timeline (``PENDING``, ``COMPLETED``,
``EXPIRED``, ``UNRESOLVED`` with a context, ...).
"""

from __future__ import annotations

import secrets
import string
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tests.fakes.server import FakeApi, Handler, serving

__all__ = ["FakeCoinbase", "fake_coinbase"]

API_KEY = "5e0c1f7a-paywire-fake-coinbase-key"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _error(status: int, kind: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"type": kind, "message": message}}, status_code=status)


class FakeCoinbase(FakeApi):
    """State and controls of the fake; ``charges`` by id."""

    def __init__(self, api_key: str = API_KEY) -> None:
        super().__init__()
        self.api_key = api_key
        self.charges: dict[str, dict[str, Any]] = {}

    def advance(self, charge_id: str, status: str, context: str | None = None) -> None:
        """Append ``status`` (with ``context``, for ``UNRESOLVED``) to the charge's timeline."""
        entry: dict[str, Any] = {"time": _now(), "status": status}
        if context is not None:
            entry["context"] = context
        with self.lock:
            self.charges[charge_id]["timeline"].append(entry)

    def charges_for(self, session_id: str) -> list[dict[str, Any]]:
        """The charges whose metadata names ``session_id``."""
        with self.lock:
            return [
                c
                for c in self.charges.values()
                if c["metadata"].get("paywire_session_id") == session_id
            ]

    def routes(self) -> list[tuple[str, str, Handler]]:
        """The Coinbase Commerce calls paywire makes."""
        return [
            ("POST", "/charges", self._create),
            ("GET", "/charges/{id}", self._get),
        ]

    def authenticate(self, request: Request) -> Response | None:
        """Coinbase Commerce's 401 for a missing or unknown API key."""
        if secrets.compare_digest(request.headers.get("x-cc-api-key", ""), self.api_key):
            return None
        return _error(401, "authentication_error", "No such API key.")

    def error_body(self, status: int) -> dict[str, Any]:
        """Coinbase Commerce's bodies for 429 and 5xx."""
        if status == 429:
            return {"error": {"type": "rate_limit_exceeded", "message": "Rate limit exceeded"}}
        return {"error": {"type": "internal_server_error", "message": "Internal server error"}}

    def _create(self, _: Request, body: dict[str, Any]) -> Response:
        for field in ("name", "description", "pricing_type"):
            if not body.get(field):
                return _error(400, "param_required", f"Required parameter missing: {field}")
        if body["pricing_type"] not in ("fixed_price", "no_price"):
            return _error(400, "validation_error", "Pricing type is not included in the list")
        price: Any = body.get("local_price")
        if body["pricing_type"] == "fixed_price":
            try:
                valid = Decimal(price["amount"]) > 0 and len(price["currency"]) >= 3
            except (InvalidOperation, KeyError, TypeError):
                valid = False
            if not valid:
                return _error(400, "validation_error", "Local price is invalid")
        charge_id = str(uuid.uuid4())
        code = "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(8))
        created = datetime.now(UTC)
        self.charges[charge_id] = {
            "id": charge_id,
            "resource": "charge",
            "code": code,
            "name": body["name"],
            "description": body["description"],
            "hosted_url": f"https://commerce.coinbase.com/charges/{code}",
            "created_at": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "expires_at": (created + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "pricing_type": body["pricing_type"],
            "pricing": {"local": price} if price else {},
            "metadata": body.get("metadata") or {},
            "redirect_url": body.get("redirect_url"),
            "cancel_url": body.get("cancel_url"),
            "timeline": [{"time": created.strftime("%Y-%m-%dT%H:%M:%SZ"), "status": "NEW"}],
            "payments": [],
            "addresses": {},
            "brand_color": "#122332",
            "brand_logo_url": "",
            "organization_name": "paywire fake",
            "support_email": "support@example.org",
        }
        return JSONResponse({"data": self.charges[charge_id], "warnings": []}, status_code=201)

    def _get(self, request: Request, _: dict[str, Any]) -> Response:
        wanted = request.path_params["id"]
        for charge in self.charges.values():
            if wanted in (charge["id"], charge["code"]):
                return JSONResponse({"data": charge, "warnings": []})
        return _error(404, "not_found", "Not found")


@contextmanager
def fake_coinbase(api_key: str = API_KEY) -> Iterator[FakeCoinbase]:
    """A fake Coinbase Commerce API served for the block; ``.url`` is
    ``PAYWIRE_COINBASE__API_BASE``."""
    fake = FakeCoinbase(api_key)
    with serving(fake):
        yield fake
