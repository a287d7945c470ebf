"""The normalized provider event that ingress publishes and the ledger consumes.

Routing key: ``provider.<provider>.<kind>``; CloudEvent type ``paywire.provider.<kind>``.
Raw provider JSON travels only as ``raw``, the audited body the ledger keeps in its
webhook log.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ProviderEvent", "ProviderEventKind", "RawBody", "VerifiedBy"]


class ProviderEventKind(StrEnum):
    """paywire's closed set of things a provider can tell us about a payment."""

    PAYMENT_PENDING = "payment_pending"
    PAYMENT_SUCCEEDED = "payment_succeeded"
    PAYMENT_FAILED = "payment_failed"
    PAYMENT_CANCELED = "payment_canceled"
    PAYMENT_EXPIRED = "payment_expired"
    REFUND_SUCCEEDED = "refund_succeeded"
    REFUND_FAILED = "refund_failed"
    DISPUTE_OPENED = "dispute_opened"
    DISPUTE_WON = "dispute_won"
    DISPUTE_LOST = "dispute_lost"
    IGNORED = "ignored"


class VerifiedBy(StrEnum):
    """How ingress knows the event is genuine; the ledger fulfills only the first two."""

    SIGNATURE = "signature"
    API_CONFIRMED = "api_confirmed"
    SHARED_SECRET = "shared_secret"


class RawBody(BaseModel):
    """The provider's body as received, for the audit log."""

    model_config = ConfigDict(frozen=True)

    content_type: str
    text: str


class ProviderEvent(BaseModel):
    """What a provider said, in paywire's vocabulary.

    ``amount`` is in minor units of ``currency``. For refunds, ``amount`` is the amount of
    this refund and ``refunded_total`` the provider's cumulative refunded amount when the
    provider reports it that way (Stripe's ``charge.refunded``).
    """

    model_config = ConfigDict(frozen=True)

    provider: str
    provider_event_id: str = Field(min_length=1)
    provider_event_type: str
    kind: ProviderEventKind
    verified_by: VerifiedBy
    session_ref: str | None = None
    provider_payment_ids: tuple[str, ...] = ()
    amount: int | None = Field(default=None, ge=0)
    currency: str | None = None
    refund_id: str | None = None
    refunded_total: int | None = Field(default=None, ge=0)
    failure_reason: str | None = None
    occurred_at: datetime | None = None
    raw: RawBody | None = None

    @property
    def routing_key(self) -> str:
        """``provider.<provider>.<kind>``."""
        return f"provider.{self.provider}.{self.kind.value}"
