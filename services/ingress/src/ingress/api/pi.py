"""``/pi/payments/...``: the Pi Network server flow, called by the app (Pi sends no webhooks).

=======================================  ==================================================
route                                    does
=======================================  ==================================================
``POST /pi/payments/{id}/approve``       checks the payment against its session, approves
``POST /pi/payments/{id}/complete``      ``{"txid": ...}``: checks, completes, publishes
``POST /pi/payments/incomplete``         the SDK's incomplete payment: Pi's state decides
=======================================  ==================================================

200 ``{payment_id, session_id, status, event_id}`` once any event is durably published;
404 Pi not configured (``unknown_provider``), unknown payment or session; 409 the payment
does not fit its session or its state; 413 body too large; 422 malformed id or body;
502 the Pi API answered wrongly; 503 the Pi API, the ledger or the broker is unreachable.
Errors are ``{"error": {"code", "message"}}``. Each request logs one ``pi_request`` line.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from common.ids import new_id
from common.logging import get_logger
from common.messaging import Publisher
from common.settings import Settings
from common.web import ApiError, error_response
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from structlog.contextvars import bound_contextvars

from ingress.api.body import read_limited_body
from ingress.providers.pi import PiFlow, PiFlowError, PiOutcome, PiPlatformClient
from ingress.providers.pi.schemas import PAYMENT_ID, IncompletePaymentBody, TxidBody
from ingress.sessions import LedgerSessions
from ingress.settings import ledger_url

__all__ = ["PiRoutes", "pi_router"]

log = get_logger("paywire.ingress.pi")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")

Step = Callable[[PiFlow, str], Awaitable[PiOutcome]]
Body = TypeVar("Body", bound=BaseModel)


def pi_router(settings: Settings, publisher: Publisher) -> APIRouter:
    """The Pi routes; without ``PAYWIRE_PI__API_KEY`` they answer 404 ``unknown_provider``.

    The router's lifespan closes its HTTP clients when the app shuts down.
    """
    flow: PiFlow | None = None
    closers: list[Callable[[], Awaitable[None]]] = []
    api_key = settings.pi.api_key.get_secret_value() if settings.pi.api_key else ""
    if api_key:
        pi = PiPlatformClient(settings.pi.api_base, api_key)
        sessions = LedgerSessions(ledger_url(settings))
        flow = PiFlow(pi, sessions, publisher)
        closers = [pi.aclose, sessions.aclose]

    @asynccontextmanager
    async def lifespan(_: Any) -> AsyncIterator[None]:
        yield
        for close in closers:
            await close()

    routes = PiRoutes(flow, settings.max_body_bytes)
    router = APIRouter(prefix="/pi/payments", lifespan=lifespan)
    router.add_api_route("/incomplete", routes.incomplete, methods=["POST"])
    router.add_api_route("/{payment_id}/approve", routes.approve, methods=["POST"])
    router.add_api_route("/{payment_id}/complete", routes.complete, methods=["POST"])
    return router


class PiRoutes:
    """The endpoints; ``flow`` is None when Pi is not configured."""

    def __init__(self, flow: PiFlow | None, max_body_bytes: int) -> None:
        self._flow = flow
        self._max_body_bytes = max_body_bytes

    async def approve(self, request: Request) -> Response:
        """Server-Side Approval of ``{payment_id}``; the body is not read."""
        payment_id = request.path_params["payment_id"]
        return await self._answer(
            "approve", request, payment_id, lambda flow, cid: flow.approve(payment_id, cid)
        )

    async def complete(self, request: Request) -> Response:
        """Server-Side Completion of ``{payment_id}`` with the body's ``txid``."""
        payment_id = request.path_params["payment_id"]

        async def step(flow: PiFlow, correlation_id: str) -> PiOutcome:
            body = await self._body(request, TxidBody)
            return await flow.complete(payment_id, body.txid, correlation_id)

        return await self._answer("complete", request, payment_id, step)

    async def incomplete(self, request: Request) -> Response:
        """The incomplete payment the SDK's ``onIncompletePaymentFound`` handed the app."""

        async def step(flow: PiFlow, correlation_id: str) -> PiOutcome:
            body = await self._body(request, IncompletePaymentBody)
            return await flow.resolve_incomplete(body.identifier, correlation_id)

        return await self._answer("incomplete", request, None, step)

    async def _answer(
        self, action: str, request: Request, payment_id: str | None, step: Step
    ) -> Response:
        offered = request.headers.get("x-request-id", "")
        correlation_id = offered if _REQUEST_ID.fullmatch(offered) else new_id("req")
        facts: dict[str, Any] = {"action": action, "payment_id": payment_id and payment_id[:128]}
        with bound_contextvars(correlation_id=correlation_id):
            try:
                outcome = await self._run(payment_id, correlation_id, step)
            except (ApiError, PiFlowError) as error:
                status, outcome_name = error.status, error.code
                response: Response = error_response(error.status, error.code, error.message)
            else:
                status, outcome_name = 200, outcome.status.value
                facts.update(payment_id=outcome.payment_id, session_id=outcome.session_id)
                response = JSONResponse(outcome.to_json())
            facts.update(status=status, outcome=outcome_name)
            if status == 200:
                log.info("pi_request", **facts)
            elif status < 500:
                log.warning("pi_request", **facts)
            else:
                log.error("pi_request", **facts)
        response.headers["X-Request-Id"] = correlation_id
        return response

    async def _run(self, payment_id: str | None, correlation_id: str, step: Step) -> PiOutcome:
        if self._flow is None:
            raise ApiError(404, "unknown_provider", "pi is not configured")
        if payment_id is not None and not PAYMENT_ID.fullmatch(payment_id):
            raise ApiError(422, "invalid_request", "not a Pi payment id")
        return await step(self._flow, correlation_id)

    async def _body(self, request: Request, model: type[Body]) -> Body:
        body = await read_limited_body(request, self._max_body_bytes)
        try:
            return model.model_validate_json(body)
        except ValidationError as exc:
            fields = ", ".join(sorted({str(e["loc"][0]) for e in exc.errors() if e["loc"]}))
            detail = f" ({fields})" if fields else ""
            raise ApiError(422, "invalid_request", f"the body is not valid{detail}") from exc
