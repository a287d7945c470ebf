"""``paywire-ingress``: run the ingress HTTP server."""

from __future__ import annotations

import uvicorn
from common.logging import configure_logging

from ingress.app import create_app
from ingress.settings import IngressSettings

__all__ = ["main"]


def main() -> None:
    """Load settings, configure logging (scrubbing every configured secret), serve."""
    settings = IngressSettings()
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
