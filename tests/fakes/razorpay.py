"""A fake Razorpay API: orders, an order's payments, payments and refunds.

JSON requests and answers, HTTP Basic ``key_id:key_secret``. Errors are
``{"error": {"code", "description", "source", "step", "reason", "metadata", "field"?}}``;
an unknown id answers 400, as Razorpay does. A refund with ``X-Refund-Idempotency``
answers a repeat of the same body with the first refund and refuses another body.

Controls: ``pay`` records a payment attempt against an order (captured, authorized or
failed), as Razorpay Checkout would; ``refund_status`` is what a new refund starts as
(``processed``, or ``pending``), ``set_refund_status`` moves one (what ``GET
/v1/refunds/{id}`` will read).
"""

from __future__ import annotations

import base64
import re
import secrets
import string
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tests.fakes.server import FakeApi, Handler, serving

__all__ = ["FakeRazorpay", "fake_razorpay"]

KEY_ID = "rzp_test_PaywireFake0001"
KEY_SECRET = "paywire_fake_razorpay_key_secret"
_ALNUM = string.ascii_letters + string.digits
_IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{10,}")


def _id(prefix: str) -> str:
    return prefix + "".join(secrets.choice(_ALNUM) for _ in range(14))


def _error(
    status: int,
    description: str,
    *,
    code: str = "BAD_REQUEST_ERROR",
    field: str | None = None,
    business: bool = True,
) -> JSONResponse:
    error: dict[str, Any] = {
        "code": code,
        "description": description,
        "source": "business" if business else "NA",
        "step": "payment_initiation" if business else "NA",
        "reason": "input_validation_failed" if business else "NA",
        "metadata": {},
    }
    if field is not None:
        error["field"] = field
    return JSONResponse({"error": error}, status_code=status)


def _unknown_id() -> JSONResponse:
    return _error(400, "The id provided does not exist", field="id")


class FakeRazorpay(FakeApi):
    """State and controls of the fake; ``orders``, ``payments`` and ``refunds`` by id."""

    def __init__(self, key_id: str = KEY_ID, key_secret: str = KEY_SECRET) -> None:
        super().__init__()
        self.key_id = key_id
        self.key_secret = key_secret
        self.orders: dict[str, dict[str, Any]] = {}
        self.payments: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.refund_status = "processed"
        self._idempotent: dict[str, tuple[str, dict[str, Any], str]] = {}

    # -- controls -------------------------------------------------------------------------

    def pay(
        self,
        order_id: str,
        *,
        status: str = "captured",
        error_code: str | None = None,
        error_description: str | None = None,
    ) -> str:
        """Record a UPI payment attempt of the order's amount in ``status``; its id."""
        payment_id = _id("pay_")
        with self.lock:
            order = self.orders[order_id]
            self.payments[payment_id] = _payment(
                payment_id, order, status, error_code, error_description
            )
            order["attempts"] += 1
            if status == "captured":
                order |= {"status": "paid", "amount_paid": order["amount"], "amount_due": 0}
            elif order["status"] == "created":
                order["status"] = "attempted"
        return payment_id

    def set_refund_status(self, refund_id: str, status: str) -> None:
        """Move a refund to ``status``: ``pending``, ``processed`` or ``failed``."""
        with self.lock:
            self.refunds[refund_id]["status"] = status

    def orders_with_receipt(self, receipt: str) -> list[dict[str, Any]]:
        """The orders created with ``receipt``."""
        with self.lock:
            return [o for o in self.orders.values() if o["receipt"] == receipt]

    # -- serving --------------------------------------------------------------------------

    def routes(self) -> list[tuple[str, str, Handler]]:
        """The Razorpay calls paywire makes."""
        return [
            ("POST", "/v1/orders", self._create_order),
            ("GET", "/v1/orders/{id}", self._get_order),
            ("GET", "/v1/orders/{id}/payments", self._order_payments),
            ("GET", "/v1/payments/{id}", self._get_payment),
            ("POST", "/v1/payments/{id}/refund", self._refund),
            ("GET", "/v1/refunds/{id}", self._get_refund),
        ]

    def authenticate(self, request: Request) -> Response | None:
        """Razorpay's 401 for missing or wrong key credentials."""
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        expected = base64.b64encode(f"{self.key_id}:{self.key_secret}".encode()).decode()
        if scheme.lower() == "basic" and secrets.compare_digest(value, expected):
            return None
        return _error(401, "Authentication failed", business=False)

    def error_body(self, status: int) -> dict[str, Any]:
        """Razorpay's bodies for 429 and 5xx."""
        if status == 429:
            description = "Too many requests"
            return {"error": {"code": "BAD_REQUEST_ERROR", "description": description}}
        description = "The server encountered an error. The incident has been reported to admins."
        return {"error": {"code": "SERVER_ERROR", "description": description}}

    def _create_order(self, _: Request, body: dict[str, Any]) -> Response:
        amount, currency = body.get("amount"), body.get("currency")
        if not isinstance(amount, int) or isinstance(amount, bool):
            return _error(400, "The amount must be an integer.", field="amount")
        if amount < 100:
            return _error(400, f"The amount must be atleast {currency} 1.00", field="amount")
        if not isinstance(currency, str) or len(currency) != 3:
            return _error(400, "The currency field is required.", field="currency")
        receipt = body.get("receipt")
        if receipt is not None and len(receipt) > 40:
            return _error(
                400, "The receipt may not be greater than 40 characters.", field="receipt"
            )
        notes = body.get("notes") or {}
        if len(notes) > 15:
            return _error(
                400, "Number of fields in notes should be less than or equal to 15", field="notes"
            )
        order_id = _id("order_")
        self.orders[order_id] = {
            "id": order_id,
            "entity": "order",
            "amount": amount,
            "amount_paid": 0,
            "amount_due": amount,
            "currency": currency,
            "receipt": receipt,
            "offer_id": None,
            "status": "created",
            "attempts": 0,
            "notes": notes or [],
            "created_at": int(time.time()),
        }
        return JSONResponse(self.orders[order_id])

    def _get_order(self, request: Request, _: dict[str, Any]) -> Response:
        order = self.orders.get(request.path_params["id"])
        return JSONResponse(order) if order is not None else _unknown_id()

    def _order_payments(self, request: Request, _: dict[str, Any]) -> Response:
        order_id = request.path_params["id"]
        if order_id not in self.orders:
            return _unknown_id()
        items = [p for p in self.payments.values() if p["order_id"] == order_id]
        return JSONResponse({"entity": "collection", "count": len(items), "items": items})

    def _get_payment(self, request: Request, _: dict[str, Any]) -> Response:
        payment = self.payments.get(request.path_params["id"])
        return JSONResponse(payment) if payment is not None else _unknown_id()

    def _refund(self, request: Request, body: dict[str, Any]) -> Response:
        payment_id = request.path_params["id"]
        key = request.headers.get("x-refund-idempotency")
        if key is not None:
            if not _IDEMPOTENCY_KEY.fullmatch(key):
                return _error(400, "The idempotency key is invalid.", field="X-Refund-Idempotency")
            seen = self._idempotent.get(key)
            if seen is not None:
                if seen[:2] != (payment_id, body):
                    return _error(
                        400,
                        "Different request with the same idempotency key has already been "
                        "processed.",
                        business=False,
                    )
                return JSONResponse(self.refunds[seen[2]])
        payment = self.payments.get(payment_id)
        if payment is None:
            return _unknown_id()
        if payment["status"] not in ("captured", "refunded"):
            return _error(400, "Only captured payments can be refunded", field="id")
        remaining = payment["amount"] - payment["amount_refunded"]
        amount = body.get("amount", remaining)
        if amount > remaining:
            return _error(
                400, "The refund amount provided is greater than amount captured", field="amount"
            )
        refund_id = _id("rfnd_")
        self.refunds[refund_id] = {
            "id": refund_id,
            "entity": "refund",
            "amount": amount,
            "receipt": body.get("receipt"),
            "currency": payment["currency"],
            "payment_id": payment_id,
            "notes": body.get("notes") or [],
            "acquirer_data": {"arn": None},
            "created_at": int(time.time()),
            "batch_id": None,
            "status": self.refund_status,
            "speed_processed": "normal",
            "speed_requested": "normal",
        }
        payment["amount_refunded"] += amount
        full = payment["amount_refunded"] == payment["amount"]
        payment |= {"refund_status": "full" if full else "partial"}
        if full:
            payment["status"] = "refunded"
        if key is not None:
            self._idempotent[key] = (payment_id, body, refund_id)
        return JSONResponse(self.refunds[refund_id])

    def _get_refund(self, request: Request, _: dict[str, Any]) -> Response:
        refund = self.refunds.get(request.path_params["id"])
        return JSONResponse(refund) if refund is not None else _unknown_id()


def _payment(
    payment_id: str,
    order: dict[str, Any],
    status: str,
    error_code: str | None,
    error_description: str | None,
) -> dict[str, Any]:
    return {
        "id": payment_id,
        "entity": "payment",
        "amount": order["amount"],
        "currency": order["currency"],
        "status": status,
        "order_id": order["id"],
        "invoice_id": None,
        "international": False,
        "method": "upi",
        "amount_refunded": 0,
        "refund_status": None,
        "captured": status == "captured",
        "description": None,
        "card_id": None,
        "bank": None,
        "wallet": None,
        "vpa": "success@razorpay",
        "email": "customer@example.com",
        "contact": "+919000090000",
        "notes": [],
        "fee": None,
        "tax": None,
        "error_code": error_code,
        "error_description": error_description,
        "error_source": None,
        "error_step": None,
        "error_reason": None,
        "acquirer_data": {"rrn": None},
        "created_at": int(time.time()),
    }


@contextmanager
def fake_razorpay(key_id: str = KEY_ID, key_secret: str = KEY_SECRET) -> Iterator[FakeRazorpay]:
    """A fake Razorpay API served for the block; ``.url`` is ``PAYWIRE_RAZORPAY__API_BASE``."""
    fake = FakeRazorpay(key_id, key_secret)
    with serving(fake):
        yield fake
