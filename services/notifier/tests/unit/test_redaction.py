"""Masking access tokens in log records."""

from __future__ import annotations

import logging

from notifier.redaction import TokenQueryRedactor


def test_token_parameters_are_masked_in_arguments():
    """uvicorn's handshake line keeps the path and loses the token."""
    record = logging.LogRecord(
        "uvicorn.error",
        logging.INFO,
        __file__,
        1,
        '%s - "WebSocket %s" [accepted]',
        ("127.0.0.1:5000", "/v1/stream?session=ses_1&token=eyJ.a.b&last_event_id=3"),
        None,
    )

    TokenQueryRedactor().filter(record)

    assert record.getMessage() == (
        '127.0.0.1:5000 - "WebSocket /v1/stream?session=ses_1&token=[redacted]&last_event_id=3"'
        " [accepted]"
    )
