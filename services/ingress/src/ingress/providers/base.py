"""The provider base class: verification written once, filled in by small hooks.

Every provider is one package, ``ingress/providers/<name>/``, holding ``provider.py`` (a
``Provider`` subclass) and ``schemas.py`` (its payload models), plus one line in
``ingress.providers.registry.PROVIDERS``. A subclass:

- sets ``name`` and ``signature_headers`` (headers that must be present and non-empty);
- implements ``from_settings`` (its secrets, several during a rotation, and its window),
  ``signed_content`` (which bytes are signed, the signatures presented, the timestamp if
  the scheme has one) and ``normalize`` (payload to ``ProviderEvent``, exhaustive ``match``);
- overrides only what differs from HMAC-SHA256, hex, keyed with the secret's UTF-8 bytes:
  ``digest`` and ``encoding``, ``signing_key`` (a base64-encoded ``whsec_`` secret),
  ``sign`` (a salted plain hash such as PayU's or PhonePe's), ``parse`` (a form body);
- sets ``event_id_headers`` when the scheme sends its event id in a header (Razorpay's
  ``X-Razorpay-Event-Id``, Standard Webhooks' ``webhook-id``): the first one present
  replaces the id ``normalize`` read from the body.

``verify`` and ``read_event`` are final: they raise only ``SignatureError`` and
``PayloadError`` whatever the request holds, compare in constant time, accept any
configured secret and refuse timestamps outside the window in both directions.
"""

from __future__ import annotations

import base64
import hmac
import json
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar, Self, final

from common.events import ProviderEvent, RawBody
from common.settings import Settings
from pydantic import ValidationError

from ingress.providers.errors import PayloadError, SignatureError, SignatureFailure
from ingress.providers.request import WebhookRequest

__all__ = ["Clock", "Provider", "SignatureEncoding", "SignedContent"]

Clock = Callable[[], float]
"""Seconds since the epoch; injected so that fixed test vectors can be verified."""


class SignatureEncoding(StrEnum):
    """How a digest is written in the request."""

    HEX = "hex"
    BASE64 = "base64"


@dataclass(frozen=True, slots=True)
class SignedContent:
    """What one request's signature covers: the signed bytes, the signatures presented
    (any one may match) and the signed timestamp in seconds when the scheme has one.

    A scheme that hashes the secret into the middle of the message (PayU's reverse hash)
    subclasses this to carry the parts its ``sign`` hook puts around the secret.
    """

    message: bytes
    signatures: tuple[str, ...]
    timestamp: int | None = None


class Provider(ABC):
    """A payment provider's webhook scheme and vocabulary."""

    name: ClassVar[str]
    signature_headers: ClassVar[tuple[str, ...]] = ()
    digest: ClassVar[str] = "sha256"
    encoding: ClassVar[SignatureEncoding] = SignatureEncoding.HEX
    event_id_headers: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self, secrets: Sequence[str], *, tolerance_seconds: int = 300, clock: Clock = time.time
    ) -> None:
        self._keys = tuple(self.signing_key(secret) for secret in secrets)
        self._tolerance = tolerance_seconds
        self._clock = clock

    @classmethod
    @abstractmethod
    def from_settings(cls, settings: Settings) -> Self:
        """The provider with the secrets and window configured in ``settings``."""

    @property
    def configured(self) -> bool:
        """True when at least one secret is configured (otherwise its path answers 404)."""
        return bool(self._keys)

    @final
    def verify(self, request: WebhookRequest) -> int:
        """Prove that ``request`` comes from the provider; return the matching secret's index.

        Raises ``SignatureError`` and nothing else, whatever the headers and body hold.
        """
        try:
            if not all(request.header(name) for name in self.signature_headers):
                raise SignatureError(SignatureFailure.MISSING)
            content = self.signed_content(request)
            if not content.signatures:
                raise SignatureError(SignatureFailure.MALFORMED)
            if (
                content.timestamp is not None
                and abs(self._clock() - content.timestamp) > self._tolerance
            ):
                raise SignatureError(SignatureFailure.OUTSIDE_WINDOW)
            presented = [signature.encode() for signature in content.signatures]
            for index, key in enumerate(self._keys):
                expected = self.sign(key, content).encode()
                if any(hmac.compare_digest(expected, candidate) for candidate in presented):
                    return index
        except SignatureError:
            raise
        except Exception as exc:  # a hook choking on hostile input means a malformed signature
            raise SignatureError(SignatureFailure.MALFORMED) from exc
        raise SignatureError(SignatureFailure.MISMATCH)

    @final
    def read_event(self, request: WebhookRequest) -> ProviderEvent:
        """Parse and normalize a verified request; raise ``PayloadError`` if it is unusable."""
        try:
            raw = RawBody(content_type=request.content_type, text=request.body.decode())
            event = self.normalize(self.parse(request.body), raw)
        except (ValueError, RecursionError) as exc:
            raise PayloadError(_describe(exc)) from exc
        delivered = next(filter(None, map(request.header, self.event_id_headers)), None)
        return event.model_copy(update={"provider_event_id": delivered}) if delivered else event

    @abstractmethod
    def signed_content(self, request: WebhookRequest) -> SignedContent:
        """Read the signed bytes, presented signatures and timestamp from ``request``.

        May raise ``SignatureError`` or any exception on malformed input.
        """

    def signing_key(self, secret: str) -> bytes:
        """The key bytes for one configured secret (its UTF-8 bytes by default)."""
        return secret.encode()

    def sign(self, key: bytes, content: SignedContent) -> str:
        """The signature the provider would send for ``content`` under ``key``."""
        mac = hmac.new(key, content.message, self.digest).digest()
        if self.encoding is SignatureEncoding.HEX:
            return mac.hex()
        return base64.b64encode(mac).decode()

    def parse(self, body: bytes) -> Any:
        """Decode a verified body (JSON by default)."""
        return json.loads(body)

    @abstractmethod
    def normalize(self, payload: Any, raw: RawBody) -> ProviderEvent:
        """Map a parsed payload onto paywire's vocabulary; unknown types are ``IGNORED``."""


def _describe(exc: Exception) -> str:
    # Field locations and error types only: payload values may hold personal data.
    if isinstance(exc, ValidationError):
        problems = (f"{_location(error['loc'])}: {error['type']}" for error in exc.errors())
        return "invalid payload: " + "; ".join(problems)
    return f"invalid payload: {type(exc).__name__}"


def _location(loc: tuple[int | str, ...]) -> str:
    return ".".join(map(str, loc)) or "<root>"
