"""A fake Pi Platform API speaking api.minepi.com's paths, auth header and ``PaymentDTO``.

``GET /v2/payments/{id}``, ``POST /v2/payments/{id}/approve`` and
``POST /v2/payments/{id}/complete`` with ``{"txid": ...}``, each refused with 401 unless
``Authorization: Key <api key>``, answering the payment object with its amount as an exact
JSON number (``3.1415926``). Errors are ``{"error": ..., "error_message": ...}``. A test
creates payments, plays the user's part (submits the blockchain transaction, cancels),
can change what the API reports, and can make every call fail with a status.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

__all__ = ["FakePiPlatform"]

_AMOUNT = "__pi_amount_placeholder__"


class FakePiPlatform:
    """Payments by identifier, the calls received, and a failure switch."""

    def __init__(self, api_key: str) -> None:
        self.api_key = api_key
        self.payments: dict[str, dict[str, Any]]
        self.amounts: dict[str, str]
        self.calls: list[tuple[str, str, Any]]
        self.failure: int | None
        self.reset()
        self.app = Starlette(
            routes=[
                Route("/v2/payments/{payment_id}", self._get, methods=["GET"]),
                Route("/v2/payments/{payment_id}/approve", self._approve, methods=["POST"]),
                Route("/v2/payments/{payment_id}/complete", self._complete, methods=["POST"]),
            ]
        )

    def reset(self) -> None:
        """Forget every payment and call; answer normally again."""
        self.payments = {}
        self.amounts = {}
        self.calls = []
        self.failure = None

    def create_payment(
        self,
        amount: str,
        session_id: str | None,
        *,
        metadata: dict[str, Any] | None = None,
        direction: str = "user_to_app",
    ) -> str:
        """A payment the user created with ``Pi.createPayment``; returns its identifier."""
        payment_id = secrets.token_urlsafe(21)[:28].replace("-", "a").replace("_", "b")
        self.amounts[payment_id] = amount
        self.payments[payment_id] = {
            "identifier": payment_id,
            "user_uid": "c0a83bd1-e8d4-45d9-91fe-3a77a3b8ada2",
            "amount": _AMOUNT,
            "memo": "paywire test order",
            "metadata": metadata if metadata is not None else {"paywire_session_id": session_id},
            "from_address": "GCXMPLIIYF264A3Q6KU4ZY2XBEPNUUHXVFC3YBVJ3FRF46R7KHAKIS6P",
            "to_address": "GDBHIP4K7SJ4EQTBIJGJ2L5JWNZCUP5HIVD23LFKMOQGJFHO7AUBL6FC",
            "direction": direction,
            "created_at": "2024-08-22T10:04:18.604Z",
            "network": "Pi Testnet",
            "status": {
                "developer_approved": False,
                "transaction_verified": False,
                "developer_completed": False,
                "cancelled": False,
                "user_cancelled": False,
            },
            "transaction": None,
        }
        return payment_id

    def submit_transaction(self, payment_id: str, *, verified: bool = True) -> str:
        """The user signs the blockchain transaction; returns its txid."""
        txid = secrets.token_hex(32)
        payment = self.payments[payment_id]
        payment["transaction"] = {
            "txid": txid,
            "verified": verified,
            "_link": f"https://api.testnet.minepi.com/operations/{txid}",
        }
        payment["status"]["transaction_verified"] = verified
        return txid

    def cancel(self, payment_id: str) -> None:
        """The user cancels the payment."""
        self.payments[payment_id]["status"]["user_cancelled"] = True

    def dto(self, payment_id: str) -> str:
        """The payment as the API answers it, its amount an exact JSON number."""
        text = json.dumps(self.payments[payment_id])
        return text.replace(f'"{_AMOUNT}"', self.amounts[payment_id])

    def approve_directly(self, payment_id: str) -> None:
        """Approve as if another server had done it (no call recorded)."""
        self.payments[payment_id]["status"]["developer_approved"] = True

    def complete_directly(self, payment_id: str) -> None:
        """Complete as if another server had done it (no call recorded)."""
        self.payments[payment_id]["status"]["developer_completed"] = True

    async def _get(self, request: Request) -> Response:
        return await self._handle(request, None)

    async def _approve(self, request: Request) -> Response:
        return await self._handle(request, self._do_approve)

    async def _complete(self, request: Request) -> Response:
        return await self._handle(request, self._do_complete)

    async def _handle(self, request: Request, action: Any) -> Response:
        body = await request.body()
        payment_id = request.path_params["payment_id"]
        self.calls.append((request.method, request.url.path, json.loads(body) if body else None))
        if request.headers.get("authorization") != f"Key {self.api_key}":
            return _error(401, "unauthorized", "Invalid API key")
        if self.failure is not None:
            return _error(self.failure, "internal_error", "Something went wrong")
        if payment_id not in self.payments:
            return _error(404, "payment_not_found", "Payment not found")
        if action is not None:
            refusal = action(self.payments[payment_id], json.loads(body) if body else {})
            if refusal is not None:
                return refusal
        return Response(self.dto(payment_id), media_type="application/json")

    def _do_approve(self, payment: dict[str, Any], _: Any) -> Response | None:
        if payment["status"]["developer_approved"]:
            return _error(400, "already_approved", "Payment already approved")
        payment["status"]["developer_approved"] = True
        return None

    def _do_complete(self, payment: dict[str, Any], body: Any) -> Response | None:
        transaction = payment["transaction"]
        if transaction is None or body.get("txid") != transaction["txid"]:
            return _error(400, "transaction_mismatch", "txid does not match the payment")
        if payment["status"]["developer_completed"]:
            return _error(400, "already_completed", "Payment already completed")
        payment["status"]["developer_completed"] = True
        return None


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": code, "error_message": message}, status_code=status)
