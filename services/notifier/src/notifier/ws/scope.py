"""What one stream connection is allowed to see."""

from __future__ import annotations

from dataclasses import dataclass

from notifier.ws.messages import StreamMessage

__all__ = ["StreamScope"]


@dataclass(frozen=True, slots=True)
class StreamScope:
    """One merchant's messages: those of ``session_id``, or all of them when it is None."""

    merchant_id: str
    session_id: str | None = None

    def matches(self, message: StreamMessage) -> bool:
        """True when ``message`` belongs on this connection."""
        if message.merchant_id != self.merchant_id:
            return False
        return self.session_id is None or message.session_id == self.session_id
