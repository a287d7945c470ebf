"""The one error shape every paywire HTTP API answers with.

``{"error": {"code": "...", "message": "..."}}``. Hierarchy::

    Exception
     └── ApiError              raised by handlers: status, code, message (and details)
    RequestValidationError     → 422 ``invalid_request`` with the failing fields
    StarletteHTTPException     → its status, ``not_found`` / ``method_not_allowed`` / ...
    anything else              → 500 ``internal_error``, logged, never the exception text
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from common.logging import get_logger

__all__ = ["ApiError", "error_response", "install_error_handlers"]

log = get_logger(__name__)

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    503: "unavailable",
}


class ApiError(Exception):
    """A client-facing error with an HTTP status and a stable machine-readable code."""

    def __init__(
        self, status: int, code: str, message: str, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details


def error_response(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> JSONResponse:
    """A JSON error response in paywire's shape."""
    error: dict[str, Any] = {"code": code, "message": message}
    if details:
        error["details"] = details
    return JSONResponse({"error": error}, status_code=status)


def install_error_handlers(app: FastAPI) -> None:
    """Make every error, expected or not, answer in paywire's JSON shape."""

    async def on_api_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)
        return error_response(exc.status, exc.code, exc.message, exc.details)

    async def on_validation(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        fields = [
            {"loc": [str(p) for p in err.get("loc", ())], "message": str(err.get("msg", ""))}
            for err in exc.errors()
        ]
        return error_response(
            422, "invalid_request", "the request is not valid", {"fields": fields}
        )

    async def on_http(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        response = error_response(exc.status_code, code, str(exc.detail))
        # Keep the headers the status needs (``Allow`` on 405, ``WWW-Authenticate`` on 401).
        response.headers.update(exc.headers or {})
        return response

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled_error", path=request.url.path)
        return error_response(500, "internal_error", "an internal error occurred")

    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_unexpected)
