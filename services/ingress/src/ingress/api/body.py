"""Reading a request body without ever holding more than the limit."""

from __future__ import annotations

from common.web import ApiError
from starlette.requests import ClientDisconnect, Request

__all__ = ["read_limited_body"]


async def read_limited_body(request: Request, limit: int) -> bytes:
    """The whole body, or ``ApiError`` 413 as soon as it is known to exceed ``limit`` bytes.

    A declared ``Content-Length`` over the limit is refused before reading; a body sent
    chunked or with a wrong length is counted while it streams in.
    """
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            chunks.append(chunk)
    except ClientDisconnect as exc:
        raise ApiError(400, "client_disconnected", "the client closed the request") from exc
    return b"".join(chunks)


def _too_large(limit: int) -> ApiError:
    return ApiError(413, "payload_too_large", f"the body exceeds {limit} bytes")
