"""A fake PayU India: the hosted checkout's ``_payment`` post and the merchant API commands.

- ``POST /_payment`` (the customer's browser posting paywire's form): checks the mandatory
  fields, the key and the forward hash (hex SHA-512 of
  ``key|txnid|amount|productinfo|firstname|email|udf1|udf2|udf3|udf4|udf5||||||SALT``),
  then opens the transaction as ``pending``, as PayU's payment page would.
- ``POST /merchant/postservice.php?form=2`` (form-encoded): ``verify_payment`` and
  ``cancel_refund_transaction``, each with ``hash`` = hex SHA-512 of
  ``key|command|var1|SALT``. Like PayU it answers 200 whatever happened, with ``status`` 1
  or 0 in the body (``Invalid Hash.``, ``Token already exists.`` (106), ...).

Controls: ``settle`` moves a transaction to ``success``, ``failure`` or ``pending`` (what
PayU's page would do once the customer paid or gave up); ``transactions`` by txnid and
``refunds`` by token hold the state.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from tests.fakes.server import FakeApi, Handler, serving

__all__ = ["KEY", "SALT", "FakePayu", "fake_payu"]

KEY = "gtKFFx"
SALT = "paywire-fake-payu-salt-0123456789"
_MANDATORY = ("key", "txnid", "amount", "productinfo", "firstname", "email", "surl", "furl", "hash")
_HASHED = ("key", "txnid", "amount", "productinfo", "firstname", "email")
_UDFS = ("udf1", "udf2", "udf3", "udf4", "udf5")


def _sha512(text: str) -> str:
    return hashlib.sha512(text.encode()).hexdigest()


def _answer(body: dict[str, Any]) -> JSONResponse:
    return JSONResponse(body)


class FakePayu(FakeApi):
    """State and controls of the fake PayU."""

    def __init__(self, key: str = KEY, salt: str = SALT) -> None:
        super().__init__()
        self.key = key
        self.salt = salt
        self.transactions: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(403993715521889530)

    # -- controls -------------------------------------------------------------------------

    def settle(self, txnid: str, status: str, error_message: str = "No Error") -> str:
        """Move transaction ``txnid`` to ``status``; its ``mihpayid``."""
        with self.lock:
            transaction = self.transactions[txnid]
            transaction |= {
                "status": status,
                "unmappedstatus": {"success": "captured", "failure": "failed"}.get(status, status),
                "error_Message": error_message,
            }
            return str(transaction["mihpayid"])

    # -- serving --------------------------------------------------------------------------

    def routes(self) -> list[tuple[str, str, Handler]]:
        """The hosted checkout and the merchant API."""
        return [
            ("POST", "/_payment", self._payment),
            ("POST", "/merchant/postservice.php", self._command),
        ]

    def authenticate(self, request: Request) -> Response | None:
        """PayU authenticates by the hash inside each form, checked by its handler."""
        return None

    def error_body(self, status: int) -> dict[str, Any]:
        """What PayU's API says when it fails."""
        return {"status": 0, "msg": "Something went wrong. Please try again later."}

    def _payment(self, _: Request, form: dict[str, Any]) -> Response:
        missing = [name for name in _MANDATORY if not form.get(name)]
        if missing:
            return _error_page(f"Mandatory Parameter Missing: {missing[0]}")
        values = [form.get(name, "") for name in (*_HASHED, *_UDFS)]
        expected = _sha512("|".join([*values, "", "", "", "", "", self.salt]))
        if form["key"] != self.key or form["hash"] != expected:
            return _error_page("Transaction failed due to incorrectly calculated hash parameter")
        txnid = form["txnid"]
        known = self.transactions.get(txnid)
        if known is not None and known["status"] == "success":
            return _error_page("Duplicate Order ID")
        self.transactions[txnid] = {
            "mihpayid": next(self._ids),
            "request_id": "",
            "txnid": txnid,
            "amt": form["amount"],
            "transaction_amount": form["amount"],
            "productinfo": form["productinfo"],
            "firstname": form["firstname"],
            "email": form["email"],
            "udf1": form.get("udf1", ""),
            "status": "pending",
            "unmappedstatus": "in progress",
            "error_code": "E000",
            "error_Message": "No Error",
            "mode": "UPI",
            "addedon": "2024-12-03 12:00:00",
            "refunded": "0.00",
        }
        return HTMLResponse(f"<html><body>PayU payment page for {txnid}</body></html>")

    def _command(self, _: Request, form: dict[str, Any]) -> Response:
        command, var1 = form.get("command", ""), form.get("var1", "")
        expected = _sha512(f"{self.key}|{command}|{var1}|{self.salt}")
        if form.get("key") != self.key or form.get("hash") != expected:
            return _answer({"status": 0, "msg": "Invalid Hash."})
        if command == "verify_payment":
            return self._verify(var1)
        if command == "cancel_refund_transaction":
            return self._refund(var1, form.get("var2", ""), form.get("var3", ""))
        return _answer({"status": 0, "msg": "Invalid command"})

    def _verify(self, txnids: str) -> Response:
        wanted = txnids.split("|")
        details = {
            txnid: self._public(self.transactions[txnid])
            if txnid in self.transactions
            else {"mihpayid": "Not Found", "status": "Not Found"}
            for txnid in wanted
        }
        found = sum(txnid in self.transactions for txnid in wanted)
        return _answer(
            {
                "status": 1 if found == len(wanted) else 0,
                "msg": f"{found} out of {len(wanted)} Transactions Fetched Successfully",
                "transaction_details": details,
            }
        )

    def _refund(self, mihpayid: str, token: str, amount: str) -> Response:
        if not token:
            return _refusal(124, "Input Data missing")
        if token in self.refunds:
            return _refusal(106, "Token already exists.")
        paid = next((t for t in self.transactions.values() if str(t["mihpayid"]) == mihpayid), None)
        if paid is None:
            return _refusal(116, "Transaction Not Found")
        if paid["status"] != "success":
            return _refusal(111, "Invalid transaction status")
        try:
            asked = Decimal(amount)
        except InvalidOperation:
            return _refusal(105, "Invalid amount")
        left = Decimal(paid["amt"]) - Decimal(paid["refunded"])
        if asked <= 0 or asked > left:
            return _refusal(105, "Invalid amount")
        request_id = str(next(self._ids))
        paid["refunded"] = str(Decimal(paid["refunded"]) + asked)
        self.refunds[token] = {"request_id": request_id, "mihpayid": mihpayid, "amount": amount}
        return _answer(
            {
                "status": 1,
                "msg": "Refund Request Queued",
                "request_id": request_id,
                "bank_ref_num": None,
                "mihpayid": int(mihpayid),
                "error_code": 102,
            }
        )

    @staticmethod
    def _public(transaction: dict[str, Any]) -> dict[str, Any]:
        return {k: (str(v) if k == "mihpayid" else v) for k, v in transaction.items()}


def _refusal(code: int, message: str) -> JSONResponse:
    return _answer({"status": 0, "msg": message, "error_code": code})


def _error_page(message: str) -> HTMLResponse:
    return HTMLResponse(f"<html><body>Error: {message}</body></html>", status_code=400)


@contextmanager
def fake_payu(key: str = KEY, salt: str = SALT) -> Iterator[FakePayu]:
    """A fake PayU served for the block; ``.url`` is ``PAYWIRE_PAYU__API_BASE`` and
    ``PAYWIRE_PAYU__CHECKOUT_BASE``."""
    fake = FakePayu(key, salt)
    with serving(fake):
        yield fake
