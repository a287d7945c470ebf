"""Keeping access tokens out of log lines.

uvicorn logs every WebSocket handshake with its query string, and ``/v1/stream`` carries
the customer's access token there (``?token=...``); this filter masks the value.
"""

from __future__ import annotations

import logging
import re

from common.logging import REDACTED

__all__ = ["TokenQueryRedactor", "install_token_redaction"]

_TOKEN_PARAMETER = re.compile(r"(?<=[?&]token=)[^&\s\"']+")


def _redact(value: object) -> object:
    return _TOKEN_PARAMETER.sub(REDACTED, value) if isinstance(value, str) else value


class TokenQueryRedactor(logging.Filter):
    """Masks ``token=`` query parameters in a record's message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place; never drops it."""
        record.msg = _redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redact(arg) for arg in record.args)
        return True


def install_token_redaction(logger_name: str = "uvicorn.error") -> None:
    """Attach the filter to the logger uvicorn's WebSocket protocols write to (once)."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, TokenQueryRedactor) for f in logger.filters):
        logger.addFilter(TokenQueryRedactor())
