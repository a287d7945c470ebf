"""The shape every sample builder shares."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from common.settings import Settings

__all__ = ["SampleBuilder", "SampleSession", "SignedRequest"]


@dataclass(frozen=True, slots=True)
class SampleSession:
    """The paywire session a sample event is about."""

    id: str
    amount: int
    currency: str
    provider_payment_id: str | None = None


@dataclass(frozen=True, slots=True)
class SignedRequest:
    """An HTTP request to send to ingress: path, raw body and headers."""

    path: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


SampleBuilder = Callable[[Settings, SampleSession], SignedRequest]
"""Builds and signs one provider event with the secrets configured in ``Settings``."""
