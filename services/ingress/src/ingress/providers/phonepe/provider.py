"""PhonePe: PG v1 callbacks signed with an indexed salt key, and v2 webhooks with a credential.

- **v1**: ``X-VERIFY: hex(SHA-256(<base64 response> + <salt key>)) + "###" + <salt index>``
  over the ``response`` string of the body ``{"response": "..."}``. The index in the header
  selects the salt key; several indexed keys are configured during a rotation. Only the
  ``response`` value is signed, and only it is read. Events are ``verified_by=signature``.
- **v2**: ``Authorization: hex(SHA-256("<username>:<password>"))``. That value covers no
  byte of the body and is the same on every delivery, so whoever has seen one can send any
  body with it: events are ``verified_by=shared_secret``, and the ledger confirms a success
  through PhonePe's status API before anything is fulfilled.

Which scheme applies is decided by the body alone (``is_v1_callback``), identically when
verifying and when normalizing, so a v1-shaped body is accepted only with a valid
``X-VERIFY``, never on the v2 credential. A v1 body's salt key and a v2 credential are
configured as tagged secrets (``salt_secret``, ``credential_secret``).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Self, assert_never

from common.events import ProviderEvent, ProviderEventKind, RawBody, VerifiedBy
from common.settings import Settings

from ingress.providers.base import Provider, SignedContent
from ingress.providers.body_id import body_event_id
from ingress.providers.errors import SignatureError, SignatureFailure
from ingress.providers.phonepe.schemas import (
    PaymentDetail,
    V1Body,
    V1Callback,
    V1Code,
    V2Event,
    V2Order,
    V2Refund,
    V2State,
    V2Webhook,
    decode_v1,
    is_v1_callback,
)
from ingress.providers.request import WebhookRequest

__all__ = [
    "CredentialContent",
    "PhonepeProvider",
    "SaltedContent",
    "credential_secret",
    "salt_secret",
]

Kind = ProviderEventKind
_X_VERIFY = re.compile(r"([0-9A-Fa-f]{64})###([0-9]{1,9})")
_DIGEST = re.compile(r"[0-9A-Fa-f]{64}")
_SALT = b"salt"
_CREDENTIAL = b"credential"


def salt_secret(index: int, key: str) -> str:
    """The secret for a v1 salt key with its index (``PAYWIRE_PHONEPE__SALT_KEYS``)."""
    return f"salt:{index}:{key}"


def credential_secret(username: str, password: str) -> str:
    """The secret for the v2 webhook credential (``__WEBHOOK_USERNAME``/``__PASSWORD``)."""
    return f"credential:{username}:{password}"


@dataclass(frozen=True, slots=True)
class SaltedContent(SignedContent):
    """A v1 callback: ``message`` is the base64 ``response``; ``salt_index`` picks the key."""

    salt_index: int = 0


@dataclass(frozen=True, slots=True)
class CredentialContent(SignedContent):
    """A v2 webhook: the ``Authorization`` digest, which covers none of the body."""


class PhonepeProvider(Provider):
    """PhonePe PG v1 callbacks and v2 (Standard/Custom Checkout) webhooks."""

    name = "phonepe"

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        """Indexed salt keys from ``__SALT_KEYS``; the credential from ``__WEBHOOK_USERNAME``
        and ``__WEBHOOK_PASSWORD`` when both are set."""
        phonepe = settings.phonepe
        secrets = [salt_secret(i, key.get_secret_value()) for i, key in phonepe.salt_keys.items()]
        if phonepe.webhook_username and phonepe.webhook_password:
            password = phonepe.webhook_password.get_secret_value()
            secrets.append(credential_secret(phonepe.webhook_username, password))
        return cls(secrets)

    def signing_key(self, secret: str) -> bytes:
        """A tagged secret, checked: ``salt:<index>:<key>`` or ``credential:<user>:<pass>``."""
        scheme, _, rest = secret.partition(":")
        if scheme == _SALT.decode():
            index, _, key = rest.partition(":")
            if not (index.isascii() and index.isdigit() and key):
                raise ValueError("a PhonePe salt key is index:key")
            return salt_secret(int(index), key).encode()
        if scheme == _CREDENTIAL.decode() and ":" in rest:
            return secret.encode()
        raise ValueError("a PhonePe secret is a salt_secret or a credential_secret")

    def signed_content(self, request: WebhookRequest) -> SaltedContent | CredentialContent:
        """v1: the ``response`` and ``X-VERIFY``; v2: the ``Authorization`` digest."""
        try:
            payload = json.loads(request.body)
        except (ValueError, RecursionError):
            payload = None
        if is_v1_callback(payload):
            header = request.header("X-VERIFY")
            if not header:
                raise SignatureError(SignatureFailure.MISSING)
            match = _X_VERIFY.fullmatch(header)
            response = payload["response"]
            if match is None or not isinstance(response, str):
                raise SignatureError(SignatureFailure.MALFORMED)
            return SaltedContent(
                message=response.encode(), signatures=(match[1],), salt_index=int(match[2])
            )
        header = request.header("Authorization")
        if not header:
            raise SignatureError(SignatureFailure.MISSING)
        if not _DIGEST.fullmatch(header):
            raise SignatureError(SignatureFailure.MALFORMED)
        return CredentialContent(message=b"", signatures=(header,))

    def sign(self, key: bytes, content: SignedContent) -> str:
        """The digest ``key`` gives for ``content``, or ``""`` when ``key`` does not apply.

        A salt key applies only to v1 content with its own index, a credential only to v2
        content. ``""`` never matches: ``signed_content`` presents 64-digit digests only.
        """
        scheme, _, rest = key.partition(b":")
        if isinstance(content, SaltedContent) and scheme == _SALT:
            index, _, salt = rest.partition(b":")
            if int(index) == content.salt_index:
                return hashlib.sha256(content.message + salt).hexdigest()
        elif isinstance(content, CredentialContent) and scheme == _CREDENTIAL:
            return hashlib.sha256(rest).hexdigest()
        return ""

    def normalize(self, payload: Any, raw: RawBody) -> ProviderEvent:
        """Map a v1 callback or a v2 webhook onto paywire's event kinds."""
        if is_v1_callback(payload):
            body = V1Body.model_validate(payload)
            return self._v1(V1Callback.model_validate(decode_v1(body.response)), raw)
        webhook = V2Webhook.model_validate(payload)
        try:
            event = V2Event(webhook.event)
        except ValueError:
            return self._ignored(webhook, raw)
        match event:
            case (
                V2Event.CHECKOUT_ORDER_COMPLETED
                | V2Event.CHECKOUT_ORDER_FAILED
                | V2Event.PG_ORDER_COMPLETED
                | V2Event.PG_ORDER_FAILED
            ):
                return self._order(webhook.event, V2Order.model_validate(webhook.payload), raw)
            case V2Event.PG_REFUND_COMPLETED | V2Event.PG_REFUND_FAILED:
                return self._refund(webhook.event, V2Refund.model_validate(webhook.payload), raw)
            case _:
                assert_never(event)

    def _v1(self, callback: V1Callback, raw: RawBody) -> ProviderEvent:
        data = callback.data
        kind = _v1_kind(callback.code)
        return ProviderEvent(
            provider=self.name,
            provider_event_id=f"v1:{data.transaction_id}:{callback.code}",
            provider_event_type=callback.code,
            kind=kind,
            verified_by=VerifiedBy.SIGNATURE,
            session_ref=data.merchant_transaction_id,
            provider_payment_ids=(data.transaction_id,),
            amount=data.amount,
            currency="INR",
            failure_reason=(data.response_code or callback.message)
            if kind is Kind.PAYMENT_FAILED
            else None,
            raw=raw,
        )

    def _order(self, event: str, order: V2Order, raw: RawBody) -> ProviderEvent:
        kind = _order_kind(order.state)
        attempts = (d.transaction_id for d in order.payment_details if d.transaction_id)
        return ProviderEvent(
            provider=self.name,
            provider_event_id=f"{event}:{order.order_id}:{order.state}",
            provider_event_type=event,
            kind=kind,
            verified_by=VerifiedBy.SHARED_SECRET,
            session_ref=order.merchant_order_id,
            provider_payment_ids=(order.order_id, *attempts),
            amount=order.amount,
            currency="INR",
            failure_reason=(
                (order.detailed_error_code or order.error_code)
                if kind is Kind.PAYMENT_FAILED
                else None
            ),
            occurred_at=_latest(order.payment_details),
            raw=raw,
        )

    def _refund(self, event: str, refund: V2Refund, raw: RawBody) -> ProviderEvent:
        kind = _refund_kind(refund.state)
        refund_id = refund.refund_id or refund.merchant_refund_id
        return ProviderEvent(
            provider=self.name,
            provider_event_id=f"{event}:{refund_id}:{refund.state}",
            provider_event_type=event,
            kind=kind,
            verified_by=VerifiedBy.SHARED_SECRET,
            session_ref=refund.original_merchant_order_id,
            amount=refund.amount,
            currency="INR",
            refund_id=refund_id,
            failure_reason=refund.error_code if kind is Kind.REFUND_FAILED else None,
            occurred_at=_latest(refund.payment_details),
            raw=raw,
        )

    def _ignored(self, webhook: V2Webhook, raw: RawBody) -> ProviderEvent:
        return ProviderEvent(
            provider=self.name,
            provider_event_id=f"{webhook.event}:{body_event_id(raw)}",
            provider_event_type=webhook.event,
            kind=Kind.IGNORED,
            verified_by=VerifiedBy.SHARED_SECRET,
            raw=raw,
        )


def _v1_kind(code: str) -> Kind:
    try:
        known = V1Code(code)
    except ValueError:
        return Kind.IGNORED
    match known:
        case V1Code.PAYMENT_SUCCESS:
            return Kind.PAYMENT_SUCCEEDED
        case V1Code.PAYMENT_PENDING:
            return Kind.PAYMENT_PENDING
        case V1Code.PAYMENT_ERROR | V1Code.PAYMENT_DECLINED | V1Code.TIMED_OUT:
            return Kind.PAYMENT_FAILED
        case _:
            assert_never(known)


def _order_kind(state: str) -> Kind:
    try:
        known = V2State(state)
    except ValueError:
        return Kind.IGNORED
    match known:
        case V2State.COMPLETED:
            return Kind.PAYMENT_SUCCEEDED
        case V2State.FAILED:
            return Kind.PAYMENT_FAILED
        case V2State.PENDING:
            return Kind.PAYMENT_PENDING
        case V2State.EXPIRED:
            return Kind.PAYMENT_EXPIRED
        case _:
            assert_never(known)


def _refund_kind(state: str) -> Kind:
    if state == V2State.COMPLETED:
        return Kind.REFUND_SUCCEEDED
    if state == V2State.FAILED:
        return Kind.REFUND_FAILED
    return Kind.IGNORED  # accepted or pending: not final yet


def _latest(details: list[PaymentDetail]) -> datetime | None:
    stamps = [d.timestamp for d in details if d.timestamp is not None]
    return datetime.fromtimestamp(max(stamps) / 1000, UTC) if stamps else None
