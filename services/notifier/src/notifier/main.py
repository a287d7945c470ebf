"""``paywire-notifier``: configure logging and serve the app; the lifespan does the rest."""

from __future__ import annotations

import uvicorn
from common.logging import configure_logging

from notifier.app import create_app
from notifier.settings import NotifierSettings

__all__ = ["main"]


def main() -> None:
    """Run the notifier until SIGINT or SIGTERM."""
    settings = NotifierSettings()
    configure_logging(
        settings.log_level,
        settings.log_format,
        secrets=[secret.get_secret_value() for _, secret in settings.configured_secrets()],
    )
    uvicorn.run(
        create_app(settings),
        host=settings.notifier.host,
        port=settings.notifier.port,
        log_config=None,
        proxy_headers=True,
    )
