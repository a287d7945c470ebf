"""The Pi Platform API (``{api_base}/v2``) for the server side of a user-to-app payment.

``GET /payments/{id}``, ``POST /payments/{id}/approve`` and ``POST /payments/{id}/complete``
with ``{"txid": ...}``, authorized with ``Authorization: Key <server API key>``. Each answers
the ``PaymentDTO``. Only the GET is retried (once, on a transport error): approving or
completing twice is not the caller's to risk. The key lives only in the client's default
headers and is never logged; errors name the status and Pi's error code, nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from ingress.providers.pi.errors import PiConflict, PiNotFound, PiUnavailable, PiUpstreamError
from ingress.providers.pi.schemas import PiPayment, parse_json

__all__ = ["PiPlatform", "PiPlatformClient", "PiReply"]

_TIMEOUT = httpx.Timeout(10.0, connect=3.0)
_ERROR_CODE = re.compile(r"[a-z_]{1,64}")
_NOT_A_PAYMENT = "the Pi Platform API answered something that is not a payment"


@dataclass(frozen=True, slots=True)
class PiReply:
    """A payment as the Pi API returned it, with the JSON text for the audit log."""

    payment: PiPayment
    body: str


class PiPlatform(Protocol):
    """Port: the three Pi Platform API calls the payment flow makes."""

    async def get_payment(self, payment_id: str) -> PiReply:
        """The payment now."""
        ...

    async def approve(self, payment_id: str) -> PiReply:
        """Server-Side Approval; the payment after it."""
        ...

    async def complete(self, payment_id: str, txid: str) -> PiReply:
        """Server-Side Completion with the blockchain ``txid``; the payment after it."""
        ...


class PiPlatformClient:
    """``PiPlatform`` over HTTP with httpx."""

    def __init__(
        self, api_base: str, api_key: str, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self._http = httpx.AsyncClient(
            base_url=f"{api_base.rstrip('/')}/v2",
            headers={"Authorization": f"Key {api_key}"},
            timeout=_TIMEOUT,
            transport=transport,
            follow_redirects=False,
        )

    def __repr__(self) -> str:
        return f"PiPlatformClient({str(self._http.base_url)!r})"

    async def get_payment(self, payment_id: str) -> PiReply:
        """``GET /payments/{id}``."""
        return await self._call("GET", f"/payments/{payment_id}", attempts=2)

    async def approve(self, payment_id: str) -> PiReply:
        """``POST /payments/{id}/approve``."""
        return await self._call("POST", f"/payments/{payment_id}/approve")

    async def complete(self, payment_id: str, txid: str) -> PiReply:
        """``POST /payments/{id}/complete`` with ``{"txid": txid}``."""
        return await self._call("POST", f"/payments/{payment_id}/complete", {"txid": txid})

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def _call(
        self, method: str, path: str, body: dict[str, str] | None = None, attempts: int = 1
    ) -> PiReply:
        for attempt in range(1, attempts + 1):
            try:
                response = await self._http.request(method, path, json=body)
                break
            except httpx.TransportError as exc:
                if attempt == attempts:
                    raise PiUnavailable(
                        "provider_unavailable", "the Pi Platform API did not answer; retry"
                    ) from exc
            except httpx.HTTPError as exc:  # answered, but the answer could not be read
                raise PiUpstreamError("provider_error", _NOT_A_PAYMENT) from exc
        return _reply(response)


def _reply(response: httpx.Response) -> PiReply:
    status = response.status_code
    if status == 404:
        raise PiNotFound("unknown_payment", "the Pi Platform API knows no such payment")
    if 400 <= status < 500 and status not in (401, 403):
        code = _error_code(response)
        raise PiConflict("provider_refused", f"the Pi Platform API refused the call ({code})")
    if status != 200:
        raise PiUpstreamError("provider_error", f"the Pi Platform API answered {status}")
    try:
        payment = PiPayment.model_validate(parse_json(response.content))
    except (ValueError, RecursionError) as exc:
        raise PiUpstreamError("provider_error", _NOT_A_PAYMENT) from exc
    return PiReply(payment, response.text)


def _error_code(response: httpx.Response) -> str:
    """Pi's ``error`` code when it is a plain identifier; never echo arbitrary text."""
    try:
        body: Any = parse_json(response.content)
    except (ValueError, RecursionError):
        return f"HTTP {response.status_code}"
    code = body.get("error") if isinstance(body, dict) else None
    if isinstance(code, str) and _ERROR_CODE.fullmatch(code):
        return code
    return f"HTTP {response.status_code}"
