"""Why the Pi flow refuses a request, and which HTTP status says so.

Hierarchy::

    Exception
     └── PiFlowError            code and message, safe to show the app
          ├── PiNotFound        404: the Pi API or the ledger knows no such payment/session
          ├── PiConflict        409: the payment does not fit the session, or is in the
          │                     wrong state, or the Pi API refused the call
          ├── PiUpstreamError   502: the Pi API answered something unusable
          └── PiUnavailable     503: the Pi API, the ledger or the broker is unreachable
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "PiConflict",
    "PiFlowError",
    "PiNotFound",
    "PiUnavailable",
    "PiUpstreamError",
]


class PiFlowError(Exception):
    """A Pi request that cannot be carried out; ``code`` and ``message`` go to the app."""

    status: ClassVar[int] = 400

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class PiNotFound(PiFlowError):
    """No such Pi payment, or no such paywire session."""

    status = 404


class PiConflict(PiFlowError):
    """The payment does not match its session or is not in a state that allows the call."""

    status = 409


class PiUpstreamError(PiFlowError):
    """The Pi Platform API answered with an error or a body that is not a payment."""

    status = 502


class PiUnavailable(PiFlowError):
    """A dependency did not answer in time; the app may retry."""

    status = 503
