"""What a provider raises when a webhook cannot be accepted.

Hierarchy::

    Exception
     └── ProviderError
          ├── SignatureError   the signature is missing, malformed, wrong or outside the
          │                    replay window (HTTP 401); ``failure`` says which
          └── PayloadError     the body passed verification but does not parse (HTTP 400)
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["PayloadError", "ProviderError", "SignatureError", "SignatureFailure"]


class SignatureFailure(StrEnum):
    """Why a signature was refused; safe to log and to tell the sender."""

    MISSING = "missing"
    MALFORMED = "malformed"
    OUTSIDE_WINDOW = "outside_window"
    MISMATCH = "mismatch"


class ProviderError(Exception):
    """Base class of the errors a provider raises for a webhook it cannot accept."""


class SignatureError(ProviderError):
    """The webhook is not proven to come from the provider."""

    def __init__(self, failure: SignatureFailure) -> None:
        super().__init__(f"signature {failure.value.replace('_', ' ')}")
        self.failure = failure


class PayloadError(ProviderError):
    """A verified body that is not a payload the provider documents."""
