"""Generic HMAC sources: a webhook scheme and payload declared entirely by configuration.

Each source is a ``HmacSourceSettings`` in ``Settings.hmac_sources`` (``upi`` and
``onecom`` ship preconfigured) and is served at ``/webhooks/<name>`` once it has a secret.
``hmac_source(name)`` makes the provider class for one source; the registry lists the
preconfigured ones and builds one for every other configured source, so adding a source
takes configuration only.

The signature is an HMAC (SHA-256 or SHA-512) of the raw body, or of
``<timestamp><separator><body>`` with a replay window, written in hex (compared
case-insensitively) or base64 after an optional prefix. The body is a JSON object; the
status at ``status_field`` picks the event kind through ``statuses``, an unmapped status
is ignored. The event id is the value at ``event_id_field``, or a hash of the body.
"""

from __future__ import annotations

import base64
import hmac
import json
import re
import time
from decimal import Decimal
from typing import Any, Self

from common.events import ProviderEvent, ProviderEventKind, RawBody, VerifiedBy
from common.provider_settings import HmacEncoding, HmacSignedContent, HmacSourceSettings
from common.settings import Settings

from ingress.providers.base import Clock, Provider, SignedContent
from ingress.providers.body_id import body_event_id
from ingress.providers.errors import SignatureError, SignatureFailure
from ingress.providers.hmac_source.schemas import amount_at, kind_of, required_text, text_at
from ingress.providers.request import WebhookRequest

__all__ = ["HmacSourceProvider", "hmac_source"]

_TIMESTAMP = re.compile(r"[0-9]{1,12}")
Kind = ProviderEventKind


class HmacSourceProvider(Provider):
    """A generic HMAC source; ``hmac_source(name)`` names the subclass for one source."""

    def __init__(self, source: HmacSourceSettings, *, clock: Clock = time.time) -> None:
        self._source = source
        super().__init__(
            [secret.get_secret_value() for secret in source.secrets],
            tolerance_seconds=source.tolerance_seconds,
            clock=clock,
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        """The source configured under this class's name in ``settings.hmac_sources``."""
        return cls(settings.hmac_sources[cls.name])

    def signed_content(self, request: WebhookRequest) -> SignedContent:
        """The body, or timestamp, separator and body, with the configured header's signature."""
        source = self._source
        signature = request.header(source.header)
        if not signature:
            raise SignatureError(SignatureFailure.MISSING)
        if source.encoding is HmacEncoding.HEX:
            signature = signature.lower()
        if source.signed_content is HmacSignedContent.BODY:
            return SignedContent(message=request.body, signatures=(signature,))
        timestamp = request.header(source.timestamp_header or "")
        if not timestamp:
            raise SignatureError(SignatureFailure.MISSING)
        if not _TIMESTAMP.fullmatch(timestamp):
            raise SignatureError(SignatureFailure.MALFORMED)
        return SignedContent(
            message=f"{timestamp}{source.separator}".encode() + request.body,
            signatures=(signature,),
            timestamp=int(timestamp),
        )

    def sign(self, key: bytes, content: SignedContent) -> str:
        """The configured digest and encoding of the HMAC, after the configured prefix."""
        mac = hmac.new(key, content.message, self._source.algorithm.value).digest()
        if self._source.encoding is HmacEncoding.HEX:
            encoded = mac.hex()
        else:
            encoded = base64.b64encode(mac).decode()
        return self._source.signature_prefix + encoded

    def parse(self, body: bytes) -> Any:
        """JSON, with every non-integer number read as an exact ``Decimal``."""
        return json.loads(body, parse_float=Decimal)

    def normalize(self, payload: Any, raw: RawBody) -> ProviderEvent:
        """Map the body onto an event kind through the configured fields and status map."""
        source = self._source
        if not isinstance(payload, dict):
            raise ValueError("the body is not a JSON object")
        status = required_text(payload, source.status_field)
        outcome = source.statuses.get(status)
        event_id = body_event_id(raw)
        if source.event_id_field is not None:
            event_id = required_text(payload, source.event_id_field)
        if outcome is None:
            return self._event(event_id, status, Kind.IGNORED, raw)
        kind = kind_of(outcome)
        payment_id = text_at(payload, source.payment_id_field)
        refund_id = None
        if kind is Kind.REFUND_SUCCEEDED:
            refund_id = text_at(payload, source.refund_id_field)
        amount = amount_at(
            payload,
            source.amount_field,
            source.currency_field,
            major_units=source.amount_in_major_units,
        )
        return self._event(
            event_id,
            status,
            kind,
            raw,
            session_ref=text_at(payload, source.reference_field),
            payment_ids=(payment_id,) if payment_id else (),
            amount=amount.minor,
            currency=amount.currency,
            refund_id=refund_id,
        )

    def _event(
        self,
        event_id: str,
        status: str,
        kind: Kind,
        raw: RawBody,
        *,
        session_ref: str | None = None,
        payment_ids: tuple[str, ...] = (),
        amount: int | None = None,
        currency: str | None = None,
        refund_id: str | None = None,
    ) -> ProviderEvent:
        return ProviderEvent(
            provider=self.name,
            provider_event_id=event_id,
            provider_event_type=status,
            kind=kind,
            verified_by=VerifiedBy.SIGNATURE,
            session_ref=session_ref,
            provider_payment_ids=payment_ids,
            amount=amount,
            currency=currency,
            refund_id=refund_id,
            raw=raw,
        )


def hmac_source(source_name: str) -> type[HmacSourceProvider]:
    """The provider class for the generic HMAC source ``source_name``."""

    class Source(HmacSourceProvider):
        name = source_name

    Source.__name__ = Source.__qualname__ = f"HmacSource[{source_name}]"
    return Source
