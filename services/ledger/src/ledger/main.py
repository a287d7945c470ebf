"""``paywire-ledger``: the HTTP API, the provider-event consumer and the outbox relay.

uvicorn owns the process and its signals; on SIGTERM or SIGINT it stops accepting
requests, and the app's lifespan stops the consumer (letting in-flight messages finish),
then the relay, then closes the connections.
"""

from __future__ import annotations

import uvicorn
from common.logging import configure_logging

from ledger.app import create_app
from ledger.settings import LedgerSettings

__all__ = ["main"]


def main() -> None:
    """Read settings from the environment and serve until a shutdown signal."""
    settings = LedgerSettings()
    configure_logging(
        settings.log_level,
        settings.log_format,
        secrets=[secret.get_secret_value() for _, secret in settings.configured_secrets()],
    )
    app = create_app(settings, run_workers=True)
    uvicorn.run(
        app,
        host=settings.ledger.host,
        port=settings.ledger.port,
        log_config=None,
        lifespan="on",
        timeout_graceful_shutdown=15,
    )
