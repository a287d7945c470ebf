"""A fake Stripe API: PaymentIntents, refunds, customers and their payment methods.

Form-encoded requests with bracketed keys (``metadata[paywire_session_id]``), JSON answers,
``Authorization: Bearer <secret key>`` (or Basic with the key as user name). A POST with an
``Idempotency-Key`` answers a repeat of the same request with the first answer (and
``Idempotent-Replayed: true``), and a different request under the key with Stripe's 400
``idempotency_error``. Errors are ``{"error": {"type", "code"?, "message", "param"?}}``.

Controls: ``set_intent_status`` (what a status check will read, whatever the webhooks
said), ``add_card`` (a saved card on a customer), ``refund_status`` (what a new refund
starts as), ``set_refund_status`` (what ``GET /v1/refunds/{id}`` will read).
"""

from __future__ import annotations

import base64
import secrets
import string
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tests.fakes.server import FakeApi, Handler, serving

__all__ = ["FakeStripe", "fake_stripe", "nest"]

API_KEY = "sk_test_51PaywireFakeStripeKey0123456789"
_ALNUM = string.ascii_letters + string.digits


def _id(prefix: str) -> str:
    return prefix + "".join(secrets.choice(_ALNUM) for _ in range(24))


def nest(form: dict[str, str]) -> dict[str, Any]:
    """``{"a[b]": "1"}`` as ``{"a": {"b": "1"}}``: Stripe's bracket notation unfolded."""
    nested: dict[str, Any] = {}
    for key, value in form.items():
        head, _, rest = key.partition("[")
        parts = [head, *[p.rstrip("]") for p in rest.split("[")]] if rest else [head]
        target = nested
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value
    return nested


def _error(
    status: int,
    message: str,
    *,
    code: str | None = None,
    param: str | None = None,
    kind: str = "invalid_request_error",
) -> JSONResponse:
    error: dict[str, Any] = {"message": message, "type": kind}
    if code is not None:
        error |= {"code": code, "doc_url": f"https://stripe.com/docs/error-codes/{code}"}
    if param is not None:
        error["param"] = param
    return JSONResponse({"error": error}, status_code=status)


def _missing(kind: str, object_id: str, param: str) -> JSONResponse:
    return _error(404, f"No such {kind}: '{object_id}'", code="resource_missing", param=param)


class FakeStripe(FakeApi):
    """State and controls of the fake; ``intents``, ``customers``, ``payment_methods`` and
    ``refunds`` hold the API objects by id."""

    def __init__(self, api_key: str = API_KEY) -> None:
        super().__init__()
        self.api_key = api_key
        self.intents: dict[str, dict[str, Any]] = {}
        self.customers: dict[str, dict[str, Any]] = {}
        self.payment_methods: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.refund_status = "succeeded"
        self._idempotent: dict[str, tuple[tuple[str, str, dict[str, Any]], int, Any]] = {}

    # -- controls -------------------------------------------------------------------------

    def set_intent_status(
        self, intent_id: str, status: str, *, amount_received: int | None = None
    ) -> None:
        """Move a PaymentIntent to ``status``; ``requires_payment_method`` records a
        declined attempt, ``succeeded`` a charge of the full amount (or ``amount_received``)."""
        with self.lock:
            intent = self.intents[intent_id]
            intent["status"] = status
            if status == "succeeded":
                intent["amount_received"] = (
                    intent["amount"] if amount_received is None else amount_received
                )
                intent["latest_charge"] = _id("ch_")
            if status == "requires_payment_method":
                intent["last_payment_error"] = {
                    "code": "card_declined",
                    "decline_code": "generic_decline",
                    "message": "Your card was declined.",
                    "type": "card_error",
                }

    def add_card(
        self,
        customer_id: str,
        *,
        brand: str = "visa",
        last4: str = "4242",
        exp_month: int = 12,
        exp_year: int = 2030,
    ) -> str:
        """Attach a card payment method to the customer, as Stripe.js would; its id."""
        method_id = _id("pm_")
        with self.lock:
            self.payment_methods[method_id] = _payment_method(
                method_id, customer_id, brand, last4, exp_month, exp_year
            )
        return method_id

    def set_refund_status(
        self, refund_id: str, status: str, *, failure_reason: str | None = None
    ) -> None:
        """Move a refund to ``status`` (``succeeded``, ``failed``, ``canceled``, ...);
        a failed one carries ``failure_reason`` (Stripe's, e.g. ``expired_or_canceled_card``)."""
        with self.lock:
            refund = self.refunds[refund_id]
            refund["status"] = status
            if status == "failed":
                refund["failure_reason"] = failure_reason or "unknown"

    def intents_for(self, session_id: str) -> list[dict[str, Any]]:
        """The PaymentIntents whose metadata names ``session_id``."""
        with self.lock:
            return [
                i
                for i in self.intents.values()
                if i["metadata"].get("paywire_session_id") == session_id
            ]

    def customer_for(self, merchant_customer_id: str) -> dict[str, Any] | None:
        """The customer whose metadata names the merchant's customer id."""
        with self.lock:
            for customer in self.customers.values():
                if customer["metadata"].get("paywire_customer_id") == merchant_customer_id:
                    return customer
        return None

    # -- serving --------------------------------------------------------------------------

    def routes(self) -> list[tuple[str, str, Handler]]:
        """The Stripe calls paywire makes."""
        return [
            ("POST", "/v1/payment_intents", self._idempotently(self._create_intent)),
            ("GET", "/v1/payment_intents/{id}", self._get_intent),
            ("POST", "/v1/refunds", self._idempotently(self._create_refund)),
            ("GET", "/v1/refunds/{id}", self._get_refund),
            ("POST", "/v1/customers", self._idempotently(self._create_customer)),
            ("GET", "/v1/customers/{id}", self._get_customer),
            ("POST", "/v1/customers/{id}", self._idempotently(self._update_customer)),
            ("GET", "/v1/customers/{id}/payment_methods", self._list_methods),
            ("GET", "/v1/payment_methods/{id}", self._get_method),
            ("POST", "/v1/payment_methods/{id}/detach", self._idempotently(self._detach)),
        ]

    def authenticate(self, request: Request) -> Response | None:
        """Stripe's 401 for a missing or wrong secret key."""
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        presented = value
        if scheme.lower() == "basic":
            presented = base64.b64decode(value + "==").decode(errors="replace").partition(":")[0]
        if not presented:
            return _error(
                401,
                "You did not provide an API key. You need to provide your API key in the "
                "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
                "YOUR_SECRET_KEY').",
            )
        if presented != self.api_key:
            return _error(401, f"Invalid API Key provided: {presented[:8]}****{presented[-4:]}")
        return None

    def error_body(self, status: int) -> dict[str, Any]:
        """Stripe's bodies for 429 and 5xx."""
        if status == 429:
            return {
                "error": {
                    "message": "Request rate limit exceeded.",
                    "type": "invalid_request_error",
                    "code": "rate_limit",
                }
            }
        return {"error": {"message": "An unknown error occurred", "type": "api_error"}}

    def _idempotently(self, handler: Handler) -> Handler:
        def handle(request: Request, form: dict[str, Any]) -> Response:
            key = request.headers.get("idempotency-key")
            if key is None:
                return handler(request, form)
            fingerprint = (request.method, request.url.path, form)
            seen = self._idempotent.get(key)
            if seen is None:
                response = handler(request, form)
                if response.status_code < 400:  # Stripe keeps no result for refused params
                    self._idempotent[key] = (fingerprint, response.status_code, response.body)
                response.headers["Idempotency-Key"] = key
                return response
            first, status, body = seen
            if first != fingerprint:
                return _error(
                    400,
                    "Keys for idempotent requests can only be used with the same parameters "
                    f"they were first used with. Try using a key other than '{key}' if you "
                    "meant to execute a different request.",
                    kind="idempotency_error",
                )
            return Response(
                body,
                status_code=status,
                media_type="application/json",
                headers={"Idempotency-Key": key, "Idempotent-Replayed": "true"},
            )

        return handle

    def _create_intent(self, request: Request, form: dict[str, Any]) -> Response:
        params = nest(form)
        amount, currency = params.get("amount"), params.get("currency")
        if amount is None or currency is None:
            param = "amount" if amount is None else "currency"
            return _error(
                400, f"Missing required param: {param}.", code="parameter_missing", param=param
            )
        if not amount.isdigit():
            return _error(
                400, "Invalid integer: " + amount, code="parameter_invalid_integer", param="amount"
            )
        if int(amount) < 50:
            return _error(
                400, "Amount must be at least $0.50 usd", code="amount_too_small", param="amount"
            )
        if len(currency) != 3 or not currency.islower():
            return _error(400, f"Invalid currency: {currency}.", param="currency")
        customer = params.get("customer")
        if customer is not None and customer not in self.customers:
            return _error(
                400, f"No such customer: '{customer}'", code="resource_missing", param="customer"
            )
        intent_id = _id("pi_")
        automatic = params.get("automatic_payment_methods", {}).get("enabled") == "true"
        self.intents[intent_id] = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": int(amount),
            "amount_capturable": 0,
            "amount_received": 0,
            "automatic_payment_methods": {"allow_redirects": "always", "enabled": True}
            if automatic
            else None,
            "canceled_at": None,
            "capture_method": "automatic_async",
            "client_secret": f"{intent_id}_secret_{_id('')}",
            "confirmation_method": "automatic",
            "created": int(time.time()),
            "currency": currency,
            "customer": customer,
            "description": params.get("description"),
            "last_payment_error": None,
            "latest_charge": None,
            "livemode": False,
            "metadata": params.get("metadata", {}),
            "payment_method": None,
            "payment_method_types": ["card"],
            "status": "requires_payment_method",
        }
        return JSONResponse(self.intents[intent_id])

    def _get_intent(self, request: Request, _: dict[str, Any]) -> Response:
        intent = self.intents.get(request.path_params["id"])
        if intent is None:
            return _missing("payment_intent", request.path_params["id"], "intent")
        return JSONResponse(intent)

    def _create_refund(self, request: Request, form: dict[str, Any]) -> Response:
        params = nest(form)
        intent = self.intents.get(params.get("payment_intent", ""))
        if intent is None:
            return _missing("payment_intent", params.get("payment_intent", ""), "payment_intent")
        if intent["status"] != "succeeded":
            return _error(
                400,
                f"This PaymentIntent ({intent['id']}) does not have a successful charge to refund.",
                param="payment_intent",
            )
        refunded = sum(
            r["amount"] for r in self.refunds.values() if r["payment_intent"] == intent["id"]
        )
        remaining = intent["amount_received"] - refunded
        if remaining <= 0:
            return _error(
                400,
                f"Charge {intent['latest_charge']} has already been refunded.",
                code="charge_already_refunded",
            )
        amount = int(params.get("amount", remaining))
        if amount > remaining:
            return _error(
                400,
                f"Refund amount ({amount}) is greater than unrefunded amount on charge "
                f"({remaining})",
                param="amount",
            )
        refund_id = _id("re_")
        self.refunds[refund_id] = {
            "id": refund_id,
            "object": "refund",
            "amount": amount,
            "balance_transaction": None,
            "charge": intent["latest_charge"],
            "created": int(time.time()),
            "currency": intent["currency"],
            "metadata": params.get("metadata", {}),
            "payment_intent": intent["id"],
            "reason": params.get("reason"),
            "status": self.refund_status,
        }
        return JSONResponse(self.refunds[refund_id])

    def _get_refund(self, request: Request, _: dict[str, Any]) -> Response:
        refund = self.refunds.get(request.path_params["id"])
        if refund is None:
            return _missing("refund", request.path_params["id"], "id")
        return JSONResponse(refund)

    def _create_customer(self, request: Request, form: dict[str, Any]) -> Response:
        params = nest(form)
        customer_id = _id("cus_")
        self.customers[customer_id] = {
            "id": customer_id,
            "object": "customer",
            "created": int(time.time()),
            "description": None,
            "email": params.get("email"),
            "invoice_settings": {
                "custom_fields": None,
                "default_payment_method": None,
                "footer": None,
                "rendering_options": None,
            },
            "livemode": False,
            "metadata": params.get("metadata", {}),
            "name": params.get("name"),
        }
        return JSONResponse(self.customers[customer_id])

    def _get_customer(self, request: Request, _: dict[str, Any]) -> Response:
        customer = self.customers.get(request.path_params["id"])
        if customer is None:
            return _missing("customer", request.path_params["id"], "id")
        return JSONResponse(customer)

    def _update_customer(self, request: Request, form: dict[str, Any]) -> Response:
        customer = self.customers.get(request.path_params["id"])
        if customer is None:
            return _missing("customer", request.path_params["id"], "id")
        params = nest(form)
        default = params.get("invoice_settings", {}).get("default_payment_method")
        if default is not None:
            method = self.payment_methods.get(default)
            if method is None or method["customer"] != customer["id"]:
                return _error(
                    400,
                    f"The customer does not have a payment method with the ID {default}. The "
                    "payment method must be attached to the customer.",
                    code="resource_missing",
                    param="invoice_settings[default_payment_method]",
                )
            customer["invoice_settings"]["default_payment_method"] = default
        for field in ("email", "name"):
            if field in params:
                customer[field] = params[field]
        customer["metadata"] |= params.get("metadata", {})
        return JSONResponse(customer)

    def _list_methods(self, request: Request, _: dict[str, Any]) -> Response:
        customer_id = request.path_params["id"]
        if customer_id not in self.customers:
            return _missing("customer", customer_id, "customer")
        attached = [m for m in self.payment_methods.values() if m["customer"] == customer_id]
        methods = attached[::-1]  # newest first: the dict keeps the order they were added
        return JSONResponse(
            {
                "object": "list",
                "data": methods,
                "has_more": False,
                "url": f"/v1/customers/{customer_id}/payment_methods",
            }
        )

    def _get_method(self, request: Request, _: dict[str, Any]) -> Response:
        method = self.payment_methods.get(request.path_params["id"])
        if method is None:
            return _missing("PaymentMethod", request.path_params["id"], "payment_method")
        return JSONResponse(method)

    def _detach(self, request: Request, _: dict[str, Any]) -> Response:
        method = self.payment_methods.get(request.path_params["id"])
        if method is None:
            return _missing("PaymentMethod", request.path_params["id"], "payment_method")
        if method["customer"] is None:
            return _error(
                400,
                "The payment method you provided is not attached to a customer so detachment "
                "is impossible.",
                code="payment_method_unexpected_state",
            )
        settings = self.customers[method["customer"]]["invoice_settings"]
        if settings["default_payment_method"] == method["id"]:
            settings["default_payment_method"] = None
        method["customer"] = None
        return JSONResponse(method)


def _payment_method(
    method_id: str, customer_id: str, brand: str, last4: str, exp_month: int, exp_year: int
) -> dict[str, Any]:
    return {
        "id": method_id,
        "object": "payment_method",
        "allow_redisplay": "unspecified",
        "billing_details": {"address": None, "email": None, "name": None, "phone": None},
        "card": {
            "brand": brand,
            "country": "US",
            "display_brand": brand,
            "exp_month": exp_month,
            "exp_year": exp_year,
            "fingerprint": _id("")[:16],
            "funding": "credit",
            "last4": last4,
            "networks": {"available": [brand], "preferred": None},
            "wallet": None,
        },
        "created": int(time.time()),
        "customer": customer_id,
        "livemode": False,
        "metadata": {},
        "type": "card",
    }


@contextmanager
def fake_stripe(api_key: str = API_KEY) -> Iterator[FakeStripe]:
    """A fake Stripe API served for the block; ``.url`` is ``PAYWIRE_STRIPE__API_BASE``."""
    fake = FakeStripe(api_key)
    with serving(fake):
        yield fake
