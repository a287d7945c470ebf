"""A fake PhonePe PG v1 API: pay page, Check Status, refunds.

- ``POST /pg/v1/pay`` and ``POST /pg/v1/refund``: ``{"request": <base64 JSON>}`` with
  ``X-VERIFY: hex(SHA-256(<base64> + <endpoint> + <salt key>)) + "###" + <salt index>``.
- ``GET /pg/v1/status/{merchantId}/{merchantTransactionId}``: ``X-VERIFY`` over the path
  and the salt key, and ``X-MERCHANT-ID``.

A missing or wrong ``X-VERIFY`` (or merchant) answers 401; answers and errors are
PhonePe's ``{success, code, message, data?}``; an unknown transaction answers 400
``TRANSACTION_NOT_FOUND``; a merchant transaction id used before answers 400
``DUPLICATE_TXN_REQUEST``.

Controls: ``answer`` sets what a status check reports for a transaction (``complete`` and
``fail`` are shorthands), ``refund_state`` the state new refunds take (``PENDING`` or
``COMPLETED``); ``transactions`` holds payments and refunds by merchant transaction id.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tests.fakes.server import FakeApi, Handler, serving

__all__ = ["MERCHANT_ID", "SALT_INDEX", "SALT_KEY", "FakePhonepe", "fake_phonepe"]

MERCHANT_ID = "PAYWIREUAT"
SALT_INDEX = 1
SALT_KEY = "099eb0cd-02cf-4e2a-8aca-3e6c6aff0399"
_TRANSACTION_ID = re.compile(r"[A-Za-z0-9_-]{1,34}")
_USER_ID = re.compile(r"[A-Za-z0-9_-]{1,35}")


def _answer(status: int, code: str, message: str, data: Any = None) -> JSONResponse:
    body: dict[str, Any] = {"success": status == 200, "code": code, "message": message}
    if data is not None:
        body["data"] = data
    return JSONResponse(body, status_code=status)


def _bad_request(message: str, code: str = "BAD_REQUEST") -> JSONResponse:
    return _answer(400, code, message)


class FakePhonepe(FakeApi):
    """State and controls of the fake PhonePe."""

    def __init__(
        self, merchant_id: str = MERCHANT_ID, salt_index: int = SALT_INDEX, salt_key: str = SALT_KEY
    ) -> None:
        super().__init__()
        self.merchant_id = merchant_id
        self.salt_index = salt_index
        self.salt_key = salt_key
        self.refund_state = "PENDING"
        self.transactions: dict[str, dict[str, Any]] = {}

    # -- controls -------------------------------------------------------------------------

    def answer(self, transaction_id: str, code: str, state: str, amount: int) -> None:
        """What a status check reports for ``transaction_id`` from now on."""
        with self.lock:
            known = self.transactions.setdefault(transaction_id, {"kind": "payment", "refunded": 0})
            known |= {"code": code, "state": state, "amount": amount}

    def complete(self, transaction_id: str) -> None:
        """The customer paid the transaction's amount."""
        amount = self.transactions[transaction_id]["amount"]
        self.answer(transaction_id, "PAYMENT_SUCCESS", "COMPLETED", amount)

    def fail(self, transaction_id: str, code: str = "PAYMENT_ERROR") -> None:
        """The customer's payment failed with ``code``."""
        amount = self.transactions[transaction_id]["amount"]
        self.answer(transaction_id, code, "FAILED", amount)

    @staticmethod
    def phonepe_id(transaction_id: str) -> str:
        """PhonePe's own (deterministic, here) transaction id for a merchant transaction."""
        digest = hashlib.sha256(transaction_id.encode()).hexdigest()
        return f"T{int(digest[:15], 16):019d}"

    def x_verify(self, signed: str) -> str:
        """The ``X-VERIFY`` PhonePe expects for ``signed``."""
        digest = hashlib.sha256(f"{signed}{self.salt_key}".encode()).hexdigest()
        return f"{digest}###{self.salt_index}"

    # -- serving --------------------------------------------------------------------------

    def routes(self) -> list[tuple[str, str, Handler]]:
        """The PG v1 calls paywire makes."""
        return [
            ("POST", "/pg/v1/pay", self._pay),
            ("GET", "/pg/v1/status/{merchant_id}/{transaction_id}", self._status),
            ("POST", "/pg/v1/refund", self._refund),
        ]

    def authenticate(self, request: Request) -> Response | None:
        """The status check's ``X-VERIFY`` and merchant; a POST's is checked with its body."""
        if request.method != "GET":
            return None
        signed = request.headers.get("x-verify") == self.x_verify(request.url.path)
        if not signed or request.headers.get("x-merchant-id") != self.merchant_id:
            return _answer(401, "UNAUTHORIZED", "Invalid X-VERIFY")
        return None

    def error_body(self, status: int) -> dict[str, Any]:
        """PhonePe's body for a failure on its side."""
        return {
            "success": False,
            "code": "INTERNAL_SERVER_ERROR",
            "message": "Something went wrong",
        }

    def _decoded(self, request: Request, body: dict[str, Any]) -> dict[str, Any] | Response:
        """The JSON request inside ``{"request": ...}``, or PhonePe's refusal."""
        encoded = body.get("request")
        if not isinstance(encoded, str):
            return _bad_request("Please check the inputs you have provided.")
        if request.headers.get("x-verify") != self.x_verify(encoded + request.url.path):
            return _answer(401, "UNAUTHORIZED", "Invalid X-VERIFY")
        try:
            decoded = json.loads(base64.b64decode(encoded, validate=True))
        except (binascii.Error, ValueError):
            return _bad_request("Please check the inputs you have provided.")
        if not isinstance(decoded, dict) or decoded.get("merchantId") != self.merchant_id:
            return _bad_request("Please check the inputs you have provided.")
        return decoded

    def _pay(self, request: Request, body: dict[str, Any]) -> Response:
        decoded = self._decoded(request, body)
        if isinstance(decoded, Response):
            return decoded
        transaction_id = str(decoded.get("merchantTransactionId", ""))
        amount = decoded.get("amount")
        if (
            not _TRANSACTION_ID.fullmatch(transaction_id)
            or not _USER_ID.fullmatch(str(decoded.get("merchantUserId", "")))
            or not isinstance(amount, int)
            or amount < 100
            or not decoded.get("redirectUrl")
            or decoded.get("redirectMode") not in ("REDIRECT", "POST")
            or not decoded.get("callbackUrl")
            or decoded.get("paymentInstrument") != {"type": "PAY_PAGE"}
        ):
            return _bad_request("Please check the inputs you have provided.")
        if transaction_id in self.transactions:
            return _bad_request("Duplicate transaction id", "DUPLICATE_TXN_REQUEST")
        self.transactions[transaction_id] = {
            "kind": "payment",
            "code": "PAYMENT_PENDING",
            "state": "PENDING",
            "amount": amount,
            "refunded": 0,
            "request": decoded,
        }
        data = {
            "merchantId": self.merchant_id,
            "merchantTransactionId": transaction_id,
            "instrumentResponse": {
                "type": "PAY_PAGE",
                "redirectInfo": {
                    "url": f"https://mercury-uat.phonepe.com/transact/pg?token={self.phonepe_id(transaction_id)}",
                    "method": "GET",
                },
            },
        }
        return _answer(200, "PAYMENT_INITIATED", "Payment initiated", data)

    def _status(self, request: Request, _: dict[str, Any]) -> Response:
        transaction_id = request.path_params["transaction_id"]
        found = self.transactions.get(transaction_id)
        if found is None:
            return _bad_request(
                "No Transaction found with the given details.", "TRANSACTION_NOT_FOUND"
            )
        return _answer(
            200,
            found["code"],
            "Your request has been successfully completed.",
            self._data(transaction_id),
        )

    def _refund(self, request: Request, body: dict[str, Any]) -> Response:
        decoded = self._decoded(request, body)
        if isinstance(decoded, Response):
            return decoded
        refund_id = str(decoded.get("merchantTransactionId", ""))
        original = self.transactions.get(str(decoded.get("originalTransactionId", "")))
        amount = decoded.get("amount")
        if not _TRANSACTION_ID.fullmatch(refund_id) or not isinstance(amount, int):
            return _bad_request("Please check the inputs you have provided.")
        if refund_id in self.transactions:
            return _bad_request("Duplicate transaction id", "DUPLICATE_TXN_REQUEST")
        if original is None or original["state"] != "COMPLETED":
            return _bad_request(
                "No Transaction found with the given details.", "TRANSACTION_NOT_FOUND"
            )
        if amount < 100 or amount > original["amount"] - original["refunded"]:
            return _bad_request(
                "Refund amount exceeds the amount left to refund", "EXCESS_REFUND_AMOUNT"
            )
        original["refunded"] += amount
        code = "PAYMENT_SUCCESS" if self.refund_state == "COMPLETED" else "PAYMENT_PENDING"
        self.transactions[refund_id] = {
            "kind": "refund",
            "code": code,
            "state": self.refund_state,
            "amount": amount,
            "refunded": 0,
            "request": decoded,
        }
        return _answer(
            200, code, "Your request has been successfully completed.", self._data(refund_id)
        )

    def _data(self, transaction_id: str) -> dict[str, Any]:
        found = self.transactions[transaction_id]
        return {
            "merchantId": self.merchant_id,
            "merchantTransactionId": transaction_id,
            "transactionId": self.phonepe_id(transaction_id),
            "amount": found["amount"],
            "state": found["state"],
            "responseCode": "SUCCESS" if found["state"] == "COMPLETED" else found["code"],
            "paymentInstrument": {"type": "UPI", "utr": "424512345678"},
        }


@contextmanager
def fake_phonepe(
    merchant_id: str = MERCHANT_ID, salt_index: int = SALT_INDEX, salt_key: str = SALT_KEY
) -> Iterator[FakePhonepe]:
    """A fake PhonePe served for the block; ``.url`` is ``PAYWIRE_PHONEPE__API_BASE``."""
    fake = FakePhonepe(merchant_id, salt_index, salt_key)
    with serving(fake):
        yield fake
