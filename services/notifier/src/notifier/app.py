"""The notifier's ASGI application: health, metrics and ``/v1/stream``.

The lifespan starts the email consumer, this instance's fan-out consumer and the mailer,
and stops them gracefully; the app itself opens no connection until it starts.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from common.web import RequestLogMiddleware, health_router, install_error_handlers
from fastapi import FastAPI

from notifier.bootstrap import Notifier
from notifier.redaction import install_token_redaction
from notifier.settings import NotifierSettings
from notifier.ws.endpoint import stream_router

__all__ = ["create_app"]


def create_app(settings: NotifierSettings) -> FastAPI:
    """A notifier application for ``settings``."""
    notifier = Notifier(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await notifier.start()
        try:
            yield
        finally:
            await notifier.stop()

    app = FastAPI(title="paywire notifier", lifespan=lifespan, openapi_url=None)
    install_error_handlers(app)
    app.add_middleware(RequestLogMiddleware)
    app.include_router(
        health_router(
            {
                "database": notifier.database_ready,
                "broker": notifier.amqp.is_ready,
                "consumers": notifier.consumers_ready,
            }
        )
    )
    app.include_router(stream_router(notifier.authorizer, notifier.hub, notifier.stream_log))
    install_token_redaction()
    return app
