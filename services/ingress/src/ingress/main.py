"""``paywire-ingress``: run the ingress HTTP server."""

from __future__ import annotations

import uvicorn
from common.logging import configure_logging
from common.settings import Settings

from ingress.app import create_app

__all__ = ["main"]


def main() -> None:
    """Load settings, configure logging (scrubbing every configured secret), serve."""
    settings = Settings()
    configure_logging(
        settings.log_level,
        settings.log_format,
        secrets=[secret.get_secret_value() for _, secret in settings.configured_secrets()],
    )
    uvicorn.run(
        create_app(settings),
        host=settings.ingress.host,
        port=settings.ingress.port,
        log_config=None,
        access_log=False,
        server_header=False,
    )
