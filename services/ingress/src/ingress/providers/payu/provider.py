"""PayU India: the reverse hash in the ``hash`` field of the form-encoded callback.

``hash`` is hex SHA-512 of
``SALT|status||||||udf5|udf4|udf3|udf2|udf1|email|firstname|productinfo|amount|txnid|key``,
prefixed with ``additionalCharges|`` when PayU added charges. The salt sits inside the
hashed string, so ``sign`` concatenates the parts around it; several salts are accepted
during a rotation. The hash covers ``status``, ``amount``, ``txnid`` and ``udf1`` (the
paywire session id), which are what the event is built from; ``mihpayid`` is not covered,
so the event id derives from the covered ``txnid`` and ``status`` only.

PayU's refund and dispute webhooks are JSON bodies that carry no hash at all: nothing
proves they come from PayU, so they are refused as unsigned (401). paywire learns of a
refund it asked for from the ledger's own refund call, not from these webhooks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Self, assert_never

from common.events import ProviderEvent, ProviderEventKind, RawBody, VerifiedBy
from common.money import Money
from common.settings import Settings

from ingress.providers.base import Provider, SignedContent
from ingress.providers.errors import SignatureError, SignatureFailure
from ingress.providers.payu.schemas import PayuCallback, PayuStatus, parse_form
from ingress.providers.request import WebhookRequest

__all__ = ["PayuProvider", "ReverseHashContent", "reverse_hash_content"]

Kind = ProviderEventKind
_IST = timezone(timedelta(hours=5, minutes=30), "IST")
_REQUIRED = ("status", "amount", "txnid", "key")
_UDFS_DESCENDING = ("udf5", "udf4", "udf3", "udf2", "udf1")
_AFTER_UDFS = ("email", "firstname", "productinfo", "amount", "txnid", "key")


@dataclass(frozen=True, slots=True)
class ReverseHashContent(SignedContent):
    """The reverse hash's input around the salt: ``prefix`` before it, ``message`` after it."""

    prefix: bytes = b""


def reverse_hash_content(
    fields: Mapping[str, str], signatures: tuple[str, ...] = ()
) -> ReverseHashContent:
    """What PayU hashes for a callback with ``fields``; the salt goes between the parts.

    After the salt: ``status``, five empty places (``udf10``..``udf6``, which PayU leaves
    out), ``udf5``..``udf1``, then ``email|firstname|productinfo|amount|txnid|key``.
    """
    after = [
        fields.get("status", ""),
        *[""] * 5,
        *(fields.get(name, "") for name in (*_UDFS_DESCENDING, *_AFTER_UDFS)),
    ]
    charges = fields.get("additionalCharges")
    return ReverseHashContent(
        message=("|" + "|".join(after)).encode(),
        signatures=signatures,
        prefix=f"{charges}|".encode() if charges is not None else b"",
    )


class PayuProvider(Provider):
    """PayU India transaction callbacks (browser ``surl``/``furl`` posts and webhooks)."""

    name = "payu"
    digest = "sha512"

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        """Salts from ``PAYWIRE_PAYU__SALTS`` (comma-separated during a rotation)."""
        return cls([salt.get_secret_value() for salt in settings.payu.salts])

    def signed_content(self, request: WebhookRequest) -> ReverseHashContent:
        """The reverse hash's parts and the ``hash`` field; a JSON body has no hash."""
        if request.body.lstrip()[:1] in (b"{", b"["):
            raise SignatureError(SignatureFailure.MISSING)
        fields = parse_form(request.body)
        presented = fields.get("hash", "")
        if not presented:
            raise SignatureError(SignatureFailure.MISSING)
        if not all(name in fields for name in _REQUIRED):
            raise SignatureError(SignatureFailure.MALFORMED)
        return reverse_hash_content(fields, (presented,))

    def sign(self, key: bytes, content: SignedContent) -> str:
        """Hex SHA-512 of the prefix, the salt and the fields after it."""
        prefix = content.prefix if isinstance(content, ReverseHashContent) else b""
        return hashlib.new(self.digest, prefix + key + content.message).hexdigest()

    def parse(self, body: bytes) -> Any:
        """The form's fields."""
        return parse_form(body)

    def normalize(self, payload: Any, raw: RawBody) -> ProviderEvent:
        """Map a PayU callback onto paywire's event kinds by its ``status``."""
        callback = PayuCallback.model_validate(payload)
        try:
            status = PayuStatus(callback.status)
        except ValueError:
            return self._event(callback, Kind.IGNORED, raw)
        match status:
            case PayuStatus.SUCCESS:
                return self._event(callback, Kind.PAYMENT_SUCCEEDED, raw)
            case PayuStatus.FAILURE | PayuStatus.FAILED:
                return self._event(callback, Kind.PAYMENT_FAILED, raw)
            case PayuStatus.PENDING:
                return self._event(callback, Kind.PAYMENT_PENDING, raw)
            case _:
                assert_never(status)

    def _event(self, callback: PayuCallback, kind: Kind, raw: RawBody) -> ProviderEvent:
        amount = Money.from_major(callback.amount, "INR")
        reason = (callback.error_message or None) if kind is Kind.PAYMENT_FAILED else None
        return ProviderEvent(
            provider=self.name,
            provider_event_id=f"{callback.txnid}:{callback.status}",
            provider_event_type=callback.status,
            kind=kind,
            verified_by=VerifiedBy.SIGNATURE,
            session_ref=callback.udf1 or None,
            provider_payment_ids=tuple(i for i in (callback.mihpayid, callback.txnid) if i),
            amount=amount.minor,
            currency=amount.currency,
            failure_reason=reason,
            occurred_at=_added_on(callback.addedon),
            raw=raw,
        )


def _added_on(value: str) -> datetime | None:
    """PayU's ``addedon`` (``2024-02-27 15:11:37``, India time), or None when absent or odd."""
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=_IST)
    except ValueError:
        return None
