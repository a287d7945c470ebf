"""Port: asking a provider's status API whether a payment succeeded.

Used for events verified only by a shared secret (PhonePe v2 webhooks), whose bodies anyone
holding the credential could have written: the provider's own answer decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from common.events import ProviderEvent

__all__ = ["StatusAnswer", "StatusCheckFailed", "StatusChecker"]


@dataclass(frozen=True, slots=True)
class StatusAnswer:
    """What the status API said: its own word for the state, and the success it confirms.

    ``confirmed`` is an ``api_confirmed`` ``ProviderEvent`` built from the provider's answer
    (its amount, its payment id), or None when the provider does not report a success.
    """

    state: str
    confirmed: ProviderEvent | None = None


class StatusCheckFailed(Exception):
    """The status API could not be asked or gave no usable answer."""


class StatusChecker(Protocol):
    """A provider's status API."""

    async def check(self, event: ProviderEvent) -> StatusAnswer:
        """Ask about the payment ``event`` reports; raise ``StatusCheckFailed`` if it cannot."""
        ...

    async def aclose(self) -> None:
        """Release the connections."""
        ...
