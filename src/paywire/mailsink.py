"""A local SMTP server for native development: it accepts mail and prints a summary."""

from __future__ import annotations

import email
import re
from collections.abc import Callable
from email.message import Message

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

__all__ = ["start_mail_sink"]

_LINK = re.compile(r"https?://\S+")


class _PrintingHandler:
    def __init__(self, say: Callable[[str, str], None]) -> None:
        self._say = say

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.content if isinstance(envelope.content, bytes) else b""
        message = email.message_from_bytes(raw)
        links = sorted(set(_LINK.findall(_plain_text(message))))
        self._say("mail", f"to {', '.join(envelope.rcpt_tos)}: {message['Subject']}")
        for link in links:
            self._say("mail", f"  link: {link}")
        return "250 Message accepted"


def _plain_text(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                return payload.decode(errors="replace")
    return ""


def start_mail_sink(host: str, port: int, say: Callable[[str, str], None]) -> Controller | None:
    """Start the sink on ``host:port``; None (with a note) when the port is taken."""
    controller = Controller(_PrintingHandler(say), hostname=host, port=port)
    try:
        controller.start()
    except (OSError, RuntimeError) as exc:
        say("mail", f"not starting the local mail sink on {host}:{port}: {exc}")
        return None
    say("mail", f"catching outgoing mail on {host}:{port}")
    return controller
