"""Sample events for a generic HMAC source, built through its configured fields.

The body is assembled from the source's configuration (each ``*_field`` a dotted path),
so a sample stays readable however the source is configured; it is signed with the
source's own ``sign``. Samples are named by the preconfigured status values.
"""

from __future__ import annotations

import json
import time
from typing import Any

from common.ids import new_id
from common.money import Money
from common.provider_settings import (
    HMAC_SOURCE_DEFAULTS,
    HmacOutcome,
    HmacSignedContent,
    HmacSourceSettings,
)
from common.settings import Settings
from ingress.providers.base import SignedContent
from ingress.providers.hmac_source import hmac_source

from paywire.samples.base import SampleBuilder, SampleSession, SignedRequest

__all__ = ["hmac_source_samples"]


def hmac_source_samples(name: str) -> dict[str, SampleBuilder]:
    """One sample per preconfigured status of source ``name``."""
    return {status: _builder(name, status) for status in HMAC_SOURCE_DEFAULTS[name]["statuses"]}


def _builder(name: str, status: str) -> SampleBuilder:
    def build(settings: Settings, session: SampleSession) -> SignedRequest:
        source = settings.hmac_sources[name]
        if not source.secrets:
            raise ValueError(f"PAYWIRE_HMAC_SOURCES__{name.upper()}__SECRETS is not configured")
        if status not in source.statuses:
            raise ValueError(f"{name} has no status {status!r} configured")
        body = json.dumps(_payload(source, status, session), indent=2).encode()
        return SignedRequest(f"/webhooks/{name}", body, _signed(name, source, body))

    return build


def _payload(source: HmacSourceSettings, status: str, session: SampleSession) -> dict[str, Any]:
    price = Money(session.amount, session.currency)
    payload: dict[str, Any] = {}
    fields: dict[str | None, Any] = {
        source.event_id_field: new_id("evt"),
        source.status_field: status,
        source.reference_field: session.id,
        source.payment_id_field: session.provider_payment_id or new_id("pay"),
        source.amount_field: str(price.to_major()) if source.amount_in_major_units else price.minor,
        source.currency_field: price.currency,
    }
    if source.statuses[status] is HmacOutcome.REFUNDED:
        fields[source.refund_id_field] = new_id("rfnd")
    for path, value in fields.items():
        if path is not None:
            _put(payload, path, value)
    return payload


def _put(payload: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    node = payload
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = value


def _signed(name: str, source: HmacSourceSettings, body: bytes) -> dict[str, str]:
    provider = hmac_source(name)(source)
    secret = source.secrets[0].get_secret_value()
    headers = {"Content-Type": "application/json"}
    message = body
    if source.signed_content is HmacSignedContent.TIMESTAMP_BODY and source.timestamp_header:
        timestamp = str(int(time.time()))
        headers[source.timestamp_header] = timestamp
        message = f"{timestamp}{source.separator}".encode() + body
    headers[source.header] = provider.sign(provider.signing_key(secret), SignedContent(message, ()))
    return headers
