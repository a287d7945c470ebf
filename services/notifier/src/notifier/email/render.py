"""Rendering an email from its Jinja templates: HTML and text as multipart/alternative.

Templates live in ``templates/``: ``<kind>.subject.txt``, ``<kind>.txt`` and
``<kind>.html`` (HTML autoescaped). The ``Message-ID`` is derived from (session, kind),
so a resend after a crash carries the same id and mail systems can drop the copy.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

__all__ = ["EmailRenderer", "message_id"]


def message_id(session_id: str, kind: str, domain: str) -> str:
    """The deterministic ``Message-ID`` of a session's email of ``kind``."""
    return f"<{kind}.{session_id}@{domain}>"


class EmailRenderer:
    """Builds ready-to-send messages from ``sender`` (a ``Name <address>`` string)."""

    def __init__(self, sender: str) -> None:
        self._sender = sender
        self._domain = parseaddr(sender)[1].rpartition("@")[2] or "paywire.local"
        self._env = Environment(
            loader=PackageLoader("notifier.email", "templates"),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
            keep_trailing_newline=True,
        )

    def render(
        self, session_id: str, kind: str, recipient: str, context: dict[str, Any]
    ) -> EmailMessage:
        """The email of ``kind`` for ``recipient``."""
        message = EmailMessage()
        message["Subject"] = self._env.get_template(f"{kind}.subject.txt").render(context).strip()
        message["From"] = self._sender
        message["To"] = recipient
        message["Date"] = formatdate(usegmt=True)
        message["Message-ID"] = message_id(session_id, kind, self._domain)
        message.set_content(self._env.get_template(f"{kind}.txt").render(context))
        message.add_alternative(
            self._env.get_template(f"{kind}.html").render(context), subtype="html"
        )
        return message
