"""CloudEvents 1.0 structured-mode JSON envelope.

Every message on ``paywire.events`` is one ``CloudEvent``: the standard attributes
(``specversion``, ``id``, ``source``, ``type``, ``time``, ``subject``, ``datacontenttype``,
``data``) plus paywire's extension attributes ``correlationid`` and ``dataschemaversion``
(CloudEvents extension names are lower-case alphanumerics).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = ["CloudEvent", "EnvelopeError"]


class EnvelopeError(ValueError):
    """A message body that is not a valid paywire CloudEvent."""


class CloudEvent(BaseModel):
    """One event as it travels over AMQP."""

    model_config = ConfigDict(frozen=True)

    specversion: Literal["1.0"] = "1.0"
    id: str = Field(min_length=1)
    source: str = Field(min_length=1)
    type: str = Field(min_length=1)
    time: datetime = Field(default_factory=lambda: datetime.now(UTC))
    subject: str | None = None
    datacontenttype: Literal["application/json"] = "application/json"
    correlationid: str | None = None
    dataschemaversion: int = 1
    data: dict[str, Any]

    def to_bytes(self) -> bytes:
        """The structured-mode JSON body."""
        return self.model_dump_json(exclude_none=True).encode()

    @classmethod
    def from_bytes(cls, body: bytes) -> CloudEvent:
        """Parse a structured-mode JSON body, raising ``EnvelopeError`` when it is not one."""
        try:
            return cls.model_validate_json(body)
        except ValidationError as exc:
            raise EnvelopeError(str(exc)) from exc
