"""Running a service's app: logging configured once, then uvicorn until a signal.

uvicorn owns the process and its signals; on SIGTERM or SIGINT it stops accepting
requests and the app's lifespan stops its consumers and relays before the process exits.
"""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from common.logging import configure_logging
from common.settings import ServiceSettings, Settings

__all__ = ["serve"]


def serve(app: FastAPI, settings: Settings, listener: ServiceSettings) -> None:
    """Configure logging (scrubbing every configured secret) and serve ``app`` on ``listener``."""
    configure_logging(
        settings.log_level,
        settings.log_format,
        secrets=[secret.get_secret_value() for _, secret in settings.configured_secrets()],
    )
    uvicorn.run(
        app,
        host=listener.host,
        port=listener.port,
        log_config=None,
        access_log=False,
        server_header=False,
        proxy_headers=True,
        lifespan="on",
    )
