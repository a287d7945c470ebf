"""Why a stream connection is refused or ended, and the close codes clients see.

Hierarchy::

    Exception
     ├── StreamRefused            the connection is closed with ``code`` and ``reason``
     ├── InvalidToken             an access token that does not verify      (→ 4401)
     └── CredentialsUnavailable   the JWKS or the ledger did not answer     (→ 1013)
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["CloseCode", "CredentialsUnavailable", "InvalidToken", "StreamRefused"]


class CloseCode(IntEnum):
    """WebSocket close codes of ``/v1/stream``."""

    TRY_AGAIN_LATER = 1013
    BAD_REQUEST = 4400
    UNAUTHORIZED = 4401
    FORBIDDEN = 4403
    NOT_FOUND = 4404


class StreamRefused(Exception):
    """The connection may not stream what it asked for."""

    def __init__(self, code: CloseCode, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class InvalidToken(Exception):
    """An access token that is malformed, unsigned, badly signed, expired or incomplete."""


class CredentialsUnavailable(Exception):
    """A credential could not be checked now: the JWKS or the ledger is unreachable."""
