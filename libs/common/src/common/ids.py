"""Identifiers.

Session ids are ``ses_`` plus a 26-character ULID (sortable by creation time). Event ids
that come from a provider are derived deterministically from the provider's own event id,
so a webhook the provider redelivers keeps its id and the consumers' inboxes drop it.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from ulid import ULID

__all__ = [
    "SESSION_ID_PATTERN",
    "event_id_for",
    "new_event_id",
    "new_id",
    "new_session_id",
    "random_token",
]

SESSION_ID_PATTERN = re.compile(r"^ses_[0-9A-HJKMNP-TV-Z]{26}$")


def new_id(prefix: str) -> str:
    """A new prefixed, time-sortable identifier such as ``mer_01J...``."""
    return f"{prefix}_{ULID()}"


def new_session_id() -> str:
    """A new checkout session id: ``ses_`` + 26 characters."""
    return new_id("ses")


def new_event_id() -> str:
    """A new id for an event paywire itself originates."""
    return new_id("evt")


def event_id_for(provider: str, provider_event_id: str) -> str:
    """The stable paywire event id of a provider's event: the same input gives the same id."""
    digest = hashlib.sha256(f"{provider}\x00{provider_event_id}".encode()).hexdigest()
    return f"evt_{provider}_{digest[:32]}"


def random_token(nbytes: int = 32) -> str:
    """A URL-safe random secret."""
    return secrets.token_urlsafe(nbytes)
