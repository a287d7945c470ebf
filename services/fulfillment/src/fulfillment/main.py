"""``paywire-fulfillment``: the HTTP server, the payment-event consumer and the outbox relay."""

from __future__ import annotations

import uvicorn
from common.logging import configure_logging

from fulfillment.app import create_app
from fulfillment.settings import FulfillmentSettings

__all__ = ["main"]


def main() -> None:
    """Configure logging and serve on ``PAYWIRE_FULFILLMENT__HOST``/``__PORT`` until stopped."""
    settings = FulfillmentSettings()
    configure_logging(
        settings.log_level,
        settings.log_format,
        secrets=[secret.get_secret_value() for _, secret in settings.configured_secrets()],
    )
    uvicorn.run(
        create_app(settings),
        host=settings.fulfillment.host,
        port=settings.fulfillment.port,
        log_config=None,
        timeout_graceful_shutdown=15,
    )


if __name__ == "__main__":
    main()
