"""Request and response bodies of the merchant API.

Input is strict: unknown fields, floats or strings for amounts, NUL characters, unknown
currencies or providers are refused with 422 before anything touches the database.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import urlsplit

from common.events import PaymentStatus
from common.money import normalize_currency
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, Strict

__all__ = [
    "Attempt",
    "CreateRefund",
    "CreateSession",
    "Customer",
    "ManualVerification",
    "Provider",
    "PublicSession",
    "Refund",
    "RefundStatus",
    "SessionDetail",
    "SessionList",
    "SessionOut",
    "TimelineItem",
]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError("not an email address")
    return value


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an absolute http(s) URL")
    return value


ShortText = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_no_nul)]
LongText = Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(_no_nul)]
Email = Annotated[str, Field(max_length=254), AfterValidator(_no_nul), AfterValidator(_email)]
Url = Annotated[str, Field(max_length=2000), AfterValidator(_no_nul), AfterValidator(_http_url)]
Currency = Annotated[str, Field(max_length=10), AfterValidator(normalize_currency)]
MetadataKey = Annotated[str, Field(min_length=1, max_length=40), AfterValidator(_no_nul)]
MetadataValue = Annotated[str, Field(max_length=500), AfterValidator(_no_nul)]


class Provider(StrEnum):
    """Providers a session may be created for (CONTRACT.md's webhook providers and Pi)."""

    STRIPE = "stripe"
    RAZORPAY = "razorpay"
    PAYU = "payu"
    PHONEPE = "phonepe"
    PI = "pi"
    COINBASE = "coinbase"
    ALCHEMY = "alchemy"
    STANDARD = "standard"
    UPI = "upi"
    ONECOM = "onecom"


class Customer(BaseModel):
    """Who pays; every field is optional."""

    model_config = ConfigDict(extra="forbid")

    id: ShortText | None = None
    email: Email | None = None
    name: ShortText | None = None


class CreateSession(BaseModel):
    """``POST /v1/sessions``."""

    model_config = ConfigDict(extra="forbid")

    amount: Annotated[int, Strict(), Field(gt=0, lt=10**38)]
    currency: Currency
    provider: Provider
    customer: Customer = Customer()
    product: ShortText | None = None
    description: LongText | None = None
    reference: ShortText | None = None
    metadata: Annotated[dict[MetadataKey, MetadataValue], Field(max_length=50)] = {}
    return_url: Url | None = None


class SessionOut(BaseModel):
    """A session as the merchant sees it."""

    id: str
    status: PaymentStatus
    amount: int
    currency: str
    amount_refunded: int
    provider: str
    customer: dict[str, Any]
    product: str | None
    description: str | None
    reference: str | None
    metadata: dict[str, str]
    return_url: str | None
    created_at: datetime
    expires_at: datetime
    checkout: dict[str, Any] | None = None


class Attempt(BaseModel):
    """A provider payment id recorded for the session."""

    provider: str
    provider_payment_id: str
    created_at: datetime


class RefundStatus(StrEnum):
    """Where a refund stands: asked of the provider, done, or failed (nothing was refunded)."""

    REQUESTED = "requested"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Refund(BaseModel):
    """A refund of the session: requested by the merchant, or reported by the provider."""

    refund_id: str
    status: RefundStatus
    amount: int
    currency: str
    provider_refund_id: str | None
    reason: str | None
    failure_reason: str | None
    created_at: datetime


class CreateRefund(BaseModel):
    """``POST /v1/sessions/{id}/refunds``: ``amount`` absent refunds all that remains."""

    model_config = ConfigDict(extra="forbid")

    amount: Annotated[int, Strict(), Field(gt=0, lt=10**38)] | None = None
    reason: LongText | None = None


class ManualVerification(BaseModel):
    """``POST /v1/sessions/{id}/manual-verification``: why the merchant knows it is paid."""

    model_config = ConfigDict(extra="forbid")

    note: LongText


class TimelineItem(BaseModel):
    """One fact in the session's history: an event received, applied or ignored."""

    at: datetime
    kind: str
    event_id: str | None
    detail: dict[str, Any]


class SessionDetail(SessionOut):
    """``GET /v1/sessions/{id}``: the session with its history."""

    attempts: list[Attempt]
    refunds: list[Refund]
    fulfillment: dict[str, Any] | None = None
    timeline: list[TimelineItem]


class SessionList(BaseModel):
    """A page of sessions, newest first; pass ``next_cursor`` as ``cursor`` for the next."""

    data: list[SessionOut]
    has_more: bool
    next_cursor: str | None


class PublicSession(BaseModel):
    """What anyone holding a session id may see."""

    id: str
    status: PaymentStatus
    amount: int
    currency: str
