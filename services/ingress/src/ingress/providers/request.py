"""The parts of an HTTP request a provider reads: headers and the raw body bytes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = ["WebhookRequest"]


@dataclass(frozen=True, slots=True)
class WebhookRequest:
    """A received webhook: the body exactly as sent and its headers (names lower-cased)."""

    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, body: bytes, headers: Iterable[tuple[str, str]]) -> WebhookRequest:
        """Build from header pairs; the first of repeated headers wins, as in Starlette."""
        lowered: dict[str, str] = {}
        for name, value in headers:
            lowered.setdefault(name.lower(), value)
        return cls(body, lowered)

    def header(self, name: str) -> str | None:
        """A header's value, looked up case-insensitively."""
        return self.headers.get(name.lower())

    @property
    def content_type(self) -> str:
        """The declared media type, ``application/json`` when absent."""
        return self.header("content-type") or "application/json"
