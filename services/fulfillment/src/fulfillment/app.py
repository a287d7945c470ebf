"""The fulfillment ASGI app: HTTP API plus, for its lifetime, the consumer and outbox relay."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from common.web import RequestLogMiddleware, health_router, install_error_handlers
from fastapi import FastAPI

from fulfillment.api import access_router, introspection_router, invoices_router, jwks_router
from fulfillment.bootstrap import Workers, build_services
from fulfillment.settings import FulfillmentSettings

__all__ = ["create_app"]


def create_app(
    settings: FulfillmentSettings, ledger_client: httpx.AsyncClient | None = None
) -> FastAPI:
    """The app; nothing connects until it serves or its lifespan starts the workers.

    ``app.state.services`` holds the shared resources. The lifespan starts the
    payment-event consumer and the outbox relay, and at shutdown stops taking
    deliveries, finishes those in flight and releases every connection.
    """
    services = build_services(settings, ledger_client)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        workers = Workers(services)
        workers.start()
        try:
            yield
        finally:
            await workers.stop()
            await services.close()

    app = FastAPI(title="paywire fulfillment", lifespan=lifespan)
    app.state.services = services
    install_error_handlers(app)
    app.add_middleware(RequestLogMiddleware)
    readiness = {
        "database": services.database_ready,
        "broker": services.amqp.is_ready,
        "signing_key": services.signing_key_ready,
    }
    app.include_router(health_router(readiness))
    for router in (
        access_router(services),
        invoices_router(services),
        introspection_router(services),
        jwks_router(services),
    ):
        app.include_router(router)
    return app
