"""A real SMTP server (aiosmtpd) that keeps what it receives, for end-to-end tests."""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

__all__ = ["MailBox", "text_of"]


@dataclass
class MailBox:
    """Messages accepted by the server, parsed."""

    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.content if isinstance(envelope.content, bytes) else b""
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"

    def with_subject(self, fragment: str) -> list[EmailMessage]:
        """Messages whose subject contains ``fragment`` (case-insensitive)."""
        return [m for m in self.messages if fragment.lower() in str(m["Subject"]).lower()]

    def start(self, port: int) -> Controller:
        """Listen on 127.0.0.1:``port``."""
        controller = Controller(self, hostname="127.0.0.1", port=port)
        controller.start()
        return controller


def text_of(message: EmailMessage) -> str:
    """The plain-text body."""
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    content = part.get_content()
    assert isinstance(content, str)
    return content
