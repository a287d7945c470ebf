"""The ingress ASGI application, wired from settings and injectable ports.

Nothing here connects or reads settings at import time. Without an injected publisher the
app publishes to RabbitMQ through a connection opened on first use, so it starts while the
broker is down (webhooks then answer 503 and ``/readyz`` 503 until it is back).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from common.messaging import AmqpConnection, AmqpPublisher, Publisher
from common.settings import Settings
from common.web import ReadinessCheck, health_router, install_error_handlers
from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from ingress.api import WebhookReceiver
from ingress.api.pi import pi_router
from ingress.metrics import WebhookMetrics
from ingress.providers import configured_providers

__all__ = ["create_app"]


def create_app(settings: Settings, publisher: Publisher | None = None) -> FastAPI:
    """Build the app: ``POST /webhooks/{provider}``, ``/healthz``, ``/readyz``, ``/metrics``.

    An injected ``publisher`` belongs to the caller, who closes it; the app's own AMQP
    publisher and connection are closed when the app shuts down.
    """
    checks: dict[str, ReadinessCheck] = {}
    connection: AmqpConnection | None = None
    owned: AmqpPublisher | None = None
    if publisher is None:
        timeout = settings.publish_timeout_seconds
        connection = AmqpConnection(settings.amqp_url.get_secret_value(), connect_timeout=timeout)
        publisher = owned = AmqpPublisher(connection, timeout=timeout)
        checks["broker"] = connection.is_ready

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if owned is not None:
            await owned.close()
        if connection is not None:
            await connection.close()

    registry = CollectorRegistry()
    app = FastAPI(
        title="paywire ingress",
        lifespan=lifespan,
        redirect_slashes=False,  # a provider is answered, never redirected
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    install_error_handlers(app)
    app.include_router(health_router(checks, registry=registry))
    receiver = WebhookReceiver(
        configured_providers(settings), publisher, WebhookMetrics(registry), settings.max_body_bytes
    )
    app.add_route("/webhooks/{provider}", receiver.receive, methods=["POST"])
    app.include_router(pi_router(settings, publisher))
    return app
