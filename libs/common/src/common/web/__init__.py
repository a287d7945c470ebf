"""FastAPI helpers shared by the services: JSON errors, health and metrics, request logs,
and running a service."""

from common.web.errors import ApiError, error_response, install_error_handlers
from common.web.health import ReadinessCheck, health_router
from common.web.middleware import RequestLogMiddleware
from common.web.serve import serve

__all__ = [
    "ApiError",
    "ReadinessCheck",
    "RequestLogMiddleware",
    "error_response",
    "health_router",
    "install_error_handlers",
    "serve",
]
