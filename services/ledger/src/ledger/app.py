"""The ledger's ASGI application: merchant API, public view, health and metrics."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from common.web import RequestLogMiddleware, health_router, install_error_handlers
from fastapi import FastAPI

from ledger import checkout
from ledger.api import (
    analytics_router,
    merchant_router,
    payment_methods_router,
    public_router,
    refunds_router,
    sessions_router,
    verification_router,
)
from ledger.bootstrap import Ledger, bootstrap, running
from ledger.settings import LedgerSettings

__all__ = ["create_app"]


def create_app(
    settings: LedgerSettings, ledger: Ledger | None = None, *, run_workers: bool = False
) -> FastAPI:
    """Build the app. With ``run_workers`` its lifespan also runs the consumer and relay.

    The lifespan closes the ledger's connections on shutdown.
    """
    ledger = ledger or bootstrap(settings)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            if run_workers:
                async with running(ledger):
                    yield
            else:
                yield
        finally:
            await ledger.close()

    app = FastAPI(title="paywire ledger", lifespan=lifespan)
    app.state.ledger = ledger
    app.state.sessions = ledger.sessions
    app.state.session_ttl = settings.session_ttl
    app.state.checkout_lease = checkout.lease_for(settings.provider_policy)
    install_error_handlers(app)
    app.add_middleware(RequestLogMiddleware)
    app.include_router(
        health_router({"database": ledger.database_ready, "broker": ledger.amqp.is_ready})
    )
    app.include_router(merchant_router)
    app.include_router(sessions_router)
    app.include_router(refunds_router)
    app.include_router(verification_router)
    app.include_router(payment_methods_router)
    app.include_router(analytics_router)
    app.include_router(public_router)
    return app
