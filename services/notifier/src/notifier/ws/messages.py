"""What travels on the stream: one message per change of a session.

On the wire a message is ``{"id", "type", "session_id", "status", "data"}``; ``id`` is the
stream id (a decimal string) a client sends back as ``last_event_id`` to resume. ``data``
never carries a secret: the access link (it embeds the access token) and the merchant's
private metadata stay out of it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from common.events import PaymentEvent

from notifier.events import NotifierEvent

__all__ = ["StreamEntry", "StreamMessage", "stream_entry"]

_NOT_STREAMED = {"session_id", "status", "access_url", "metadata"}


@dataclass(frozen=True, slots=True)
class StreamEntry:
    """An event about to be recorded in the stream log.

    ``status`` is None for fulfillment events: the log fills in the session's latest status.
    """

    event_id: str
    type: str
    session_id: str
    merchant_id: str
    status: str | None
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class StreamMessage:
    """A recorded entry with its stream id."""

    id: int
    type: str
    session_id: str
    merchant_id: str
    status: str | None
    data: dict[str, Any]

    def to_json(self) -> str:
        """The message as a client receives it."""
        return json.dumps(
            {
                "id": str(self.id),
                "type": self.type,
                "session_id": self.session_id,
                "status": self.status,
                "data": self.data,
            }
        )


def stream_entry(event_id: str, event: NotifierEvent) -> StreamEntry:
    """The stream log entry for ``event``."""
    status = event.status.value if isinstance(event, PaymentEvent) else None
    data = event.model_dump(mode="json", exclude=_NOT_STREAMED)
    return StreamEntry(
        event_id=event_id,
        type=event.routing_key,
        session_id=event.session_id,
        merchant_id=event.merchant_id,
        status=status,
        data=data,
    )
