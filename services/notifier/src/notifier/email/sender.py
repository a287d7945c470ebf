"""Sending a rendered email: the port and its SMTP adapter (aiosmtplib).

A 5xx answer is a permanent refusal (``DeliveryRefused``): retrying cannot help. Anything
else that fails (server down, timeout, 4xx) is transient and the mailer retries it.
"""

from __future__ import annotations

from email.message import EmailMessage
from typing import Protocol

import aiosmtplib

__all__ = ["DeliveryRefused", "EmailSender", "SmtpSender"]


class DeliveryRefused(Exception):
    """The mail server refused the message for good."""


class EmailSender(Protocol):
    """Port: hand one message to the mail system."""

    async def send(self, message: EmailMessage) -> None:
        """Return once accepted; raise ``DeliveryRefused`` for a permanent refusal."""
        ...


class SmtpSender:
    """``EmailSender`` over SMTP."""

    def __init__(self, host: str, port: int, timeout: float = 30.0) -> None:
        self._host = host
        self._port = port
        self._timeout = timeout

    async def send(self, message: EmailMessage) -> None:
        """Deliver ``message`` to the configured server."""
        try:
            await aiosmtplib.send(
                message, hostname=self._host, port=self._port, timeout=self._timeout
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            if all(_permanent(refusal.code) for refusal in exc.recipients):
                raise DeliveryRefused(str(exc)) from exc
            raise
        except aiosmtplib.SMTPResponseException as exc:
            if _permanent(exc.code):
                raise DeliveryRefused(f"{exc.code} {exc.message}") from exc
            raise


def _permanent(code: int) -> bool:
    return 500 <= code < 600
