"""``GET /v1/stream``: the WebSocket that follows one session or all of a merchant's.

A connection subscribes to the hub before it completes the handshake, then sends the
backlog from the stream log (after ``last_event_id``; for a session, its whole history
when none is given), then live messages, skipping any id already sent. Subscribing
before reading the backlog and skipping by id is what makes a resume lose nothing and
repeat nothing: the log commits ids in order and the hub receives them in order.
"""

from __future__ import annotations

import asyncio
import contextlib

from common.ids import new_id
from common.logging import get_logger
from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.websockets import WebSocketDisconnected
from structlog.contextvars import bound_contextvars

from notifier.metrics import STREAM_MESSAGES
from notifier.ws.auth import StreamAuthorizer, StreamRequest
from notifier.ws.errors import CloseCode, StreamRefused
from notifier.ws.hub import StreamHub, Subscription
from notifier.ws.messages import StreamMessage
from notifier.ws.stream_log import StreamLog

__all__ = ["stream_router"]

log = get_logger(__name__)


def stream_router(authorizer: StreamAuthorizer, hub: StreamHub, stream_log: StreamLog) -> APIRouter:
    """The router serving ``/v1/stream``."""
    router = APIRouter()

    @router.websocket("/v1/stream")
    async def stream(websocket: WebSocket) -> None:
        with bound_contextvars(correlation_id=new_id("ws")):
            try:
                request = StreamRequest.parse(
                    websocket.query_params, websocket.headers.get("authorization")
                )
                scope = await authorizer.authorize(request)
            except StreamRefused as exc:
                log.info("stream_refused", code=int(exc.code), reason=exc.reason)
                await _refuse(websocket, exc.code, exc.reason)
                return
            except Exception as exc:
                log.warning("stream_authorization_failed", error=f"{type(exc).__name__}: {exc}")
                await _refuse(websocket, CloseCode.TRY_AGAIN_LATER, "try again later")
                return
            # Subscribed before the handshake completes: whatever happens after the
            # client sees it connected reaches the client.
            with hub.subscribe(scope) as subscription:
                await websocket.accept()
                connection = _Connection(websocket, subscription, stream_log)
                await connection.serve(request.last_event_id)
            log.info(
                "stream_closed",
                merchant_id=scope.merchant_id,
                session_id=scope.session_id,
                sent=connection.sent,
                last_id=connection.last_id,
            )

    return router


async def _refuse(websocket: WebSocket, code: CloseCode, reason: str) -> None:
    # Accepted first so that the client sees the close code, not a bare HTTP 403.
    await websocket.accept()
    await websocket.close(code, reason)


class _Connection:
    def __init__(
        self, websocket: WebSocket, subscription: Subscription, stream_log: StreamLog
    ) -> None:
        self._websocket = websocket
        self._subscription = subscription
        self._log = stream_log
        self.last_id = 0
        self.sent = 0

    async def serve(self, last_event_id: int | None) -> None:
        pump = asyncio.create_task(self._pump(last_event_id))
        listen = asyncio.create_task(self._until_disconnect())
        done, pending = await asyncio.wait({pump, listen}, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for task in done:
            try:
                task.result()
            except (WebSocketDisconnect, WebSocketDisconnected):
                pass
            except Exception as exc:
                log.warning("stream_failed", error=f"{type(exc).__name__}: {exc}"[:300])
                with contextlib.suppress(WebSocketDisconnect, WebSocketDisconnected):
                    await self._websocket.close(CloseCode.TRY_AGAIN_LATER, "try again later")

    async def _pump(self, last_event_id: int | None) -> None:
        scope = self._subscription.scope
        self.last_id = last_event_id or 0
        if last_event_id is not None or scope.session_id is not None:
            while True:
                page = await self._log.backlog(scope, self.last_id)
                for message in page:
                    await self._send(message)
                if len(page) < self._log.page_size:
                    break
        while (live := await self._subscription.next()) is not None:
            if live.id > self.last_id:
                await self._send(live)
        code = self._subscription.end_code
        assert code is not None
        await self._websocket.close(code, self._subscription.end_reason)

    async def _send(self, message: StreamMessage) -> None:
        await self._websocket.send_text(message.to_json())
        self.last_id = message.id
        self.sent += 1
        STREAM_MESSAGES.inc()

    async def _until_disconnect(self) -> None:
        while (await self._websocket.receive())["type"] != "websocket.disconnect":
            pass
