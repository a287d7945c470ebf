"""Each provider's configuration, as CONTRACT.md names it (``PAYWIRE_<PROVIDER>__<NAME>``).

A provider with no webhook secret configured answers 404 at its webhook path.
``*_api_base`` overrides the provider's API host (tests point it at a local fake).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any, NamedTuple, Self

from pydantic import BaseModel, BeforeValidator, Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode

__all__ = [
    "HMAC_SOURCE_DEFAULTS",
    "AlchemySettings",
    "CoinbaseSettings",
    "DepositAddress",
    "HmacAlgorithm",
    "HmacEncoding",
    "HmacOutcome",
    "HmacSignedContent",
    "HmacSourceSettings",
    "HmacSources",
    "PayuSettings",
    "PhonepeSettings",
    "PiSettings",
    "RazorpaySettings",
    "SecretList",
    "StandardSettings",
    "StripeSettings",
    "UpiSettings",
    "default_hmac_sources",
    "split_csv",
]

_NETWORK = re.compile(r"[A-Z][A-Z0-9_]{1,39}")
_EVM_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")

SecretList = Annotated[list[SecretStr], NoDecode]
"""A list of secrets read from one comma-separated variable."""


def split_csv(value: Any) -> Any:
    """Turn a comma-separated string into a list of stripped, non-empty items."""
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


class StripeSettings(BaseModel):
    """Stripe webhook secrets (``whsec_...``, several during rotation) and API access."""

    webhook_secrets: SecretList = []
    api_key: SecretStr | None = None
    api_base: str = "https://api.stripe.com"
    tolerance_seconds: int = 300

    _split = field_validator("webhook_secrets", mode="before")(split_csv)


class RazorpaySettings(BaseModel):
    """Razorpay webhook secrets and API key pair."""

    webhook_secrets: SecretList = []
    key_id: str | None = None
    key_secret: SecretStr | None = None
    api_base: str = "https://api.razorpay.com"

    _split = field_validator("webhook_secrets", mode="before")(split_csv)


class PayuSettings(BaseModel):
    """PayU merchant key and salts (several during rotation; any verifies a callback, the
    first signs paywire's requests), the API host (verify, refund) and the host of the
    hosted checkout (``{checkout_base}/_payment``)."""

    key: str | None = None
    salts: SecretList = []
    api_base: str = "https://info.payu.in"
    checkout_base: str = "https://secure.payu.in"

    _split = field_validator("salts", mode="before")(split_csv)


class PhonepeSettings(BaseModel):
    """PhonePe merchant id, indexed salt keys (``1:abc,2:def``) and v2 webhook credentials."""

    merchant_id: str | None = None
    salt_keys: Annotated[dict[int, SecretStr], NoDecode] = {}
    webhook_username: str | None = None
    webhook_password: SecretStr | None = None
    api_base: str = "https://api.phonepe.com/apis/hermes"

    @field_validator("salt_keys", mode="before")
    @classmethod
    def _indexed(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        pairs: dict[int, str] = {}
        for item in split_csv(value):
            index, sep, key = item.partition(":")
            if not sep or not index.strip().isdigit() or not key.strip():
                raise ValueError("salt keys are index:key pairs, e.g. 1:abc,2:def")
            pairs[int(index)] = key.strip()
        return pairs


class PiSettings(BaseModel):
    """Pi Network server API key (``Authorization: Key ...``)."""

    api_key: SecretStr | None = None
    api_base: str = "https://api.minepi.com"


class CoinbaseSettings(BaseModel):
    """Coinbase Commerce webhook shared secrets and API key."""

    webhook_secrets: SecretList = []
    api_key: SecretStr | None = None
    api_base: str = "https://api.commerce.coinbase.com"

    _split = field_validator("webhook_secrets", mode="before")(split_csv)


class DepositAddress(NamedTuple):
    """An address of the deposit pool on its Alchemy network (``ETH_MAINNET``), lower-cased."""

    network: str
    address: str


def _deposit_addresses(value: Any) -> Any:
    """``network:0xaddress`` entries, comma-separated; each address at most once."""
    if not isinstance(value, str):
        return value
    pool: list[DepositAddress] = []
    for item in split_csv(value):
        network, _, address = item.partition(":")
        if not _NETWORK.fullmatch(network) or not _EVM_ADDRESS.fullmatch(address):
            raise ValueError(f"{item!r} is not network:0xaddress (e.g. ETH_MAINNET:0x12...ab)")
        pool.append(DepositAddress(network, address.lower()))
    if len(set(pool)) != len(pool):
        raise ValueError("a deposit address is listed twice")
    return pool


DepositPool = Annotated[list[DepositAddress], NoDecode, BeforeValidator(_deposit_addresses)]
"""Deposit addresses from ``network:0xaddress,...``."""


class AlchemySettings(BaseModel):
    """Alchemy Notify signing keys (one per webhook; several allowed) and the pool of deposit
    addresses checkouts hand out, one session per address at a time (the addresses the
    Alchemy webhooks watch)."""

    signing_keys: SecretList = []
    deposit_addresses: DepositPool = []

    _split = field_validator("signing_keys", mode="before")(split_csv)


class UpiSettings(BaseModel):
    """The payee of UPI checkouts: the merchant's virtual payment address (``shop@okaxis``)
    and the name UPI apps show the payer."""

    vpa: str | None = Field(default=None, pattern=r"^[A-Za-z0-9._-]{2,256}@[A-Za-z0-9]{2,64}$")
    payee_name: str | None = Field(default=None, min_length=1, max_length=99)


class StandardSettings(BaseModel):
    """Standard Webhooks senders' ``whsec_`` base64 secrets."""

    secrets: SecretList = []
    tolerance_seconds: int = 300

    _split = field_validator("secrets", mode="before")(split_csv)


class HmacAlgorithm(StrEnum):
    """The hash a generic HMAC source signs with."""

    SHA256 = "sha256"
    SHA512 = "sha512"


class HmacEncoding(StrEnum):
    """How a generic HMAC source writes its digest."""

    HEX = "hex"
    BASE64 = "base64"


class HmacSignedContent(StrEnum):
    """What a generic HMAC source signs: the raw body, or the timestamp, separator and body."""

    BODY = "body"
    TIMESTAMP_BODY = "timestamp_body"


class HmacOutcome(StrEnum):
    """What a status value of a generic HMAC source means for the payment."""

    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REFUNDED = "refunded"


class HmacSourceSettings(BaseModel):
    """A generic HMAC webhook source, declared by configuration only.

    ``PAYWIRE_HMAC_SOURCES__<NAME>__<FIELD>``; the source is served at ``/webhooks/<name>``
    once it has a secret. The signature, in ``header``, covers the raw body or, with
    ``signed_content`` ``timestamp_body``, ``<timestamp_header value><separator><body>``,
    which must then lie within ``tolerance_seconds`` of now. The ``*_field`` settings are
    dotted paths into the JSON body (``data.amount``). ``statuses`` maps the source's status
    values onto outcomes, from a dict or a string such as ``SUCCESS:succeeded,FAILURE:failed``;
    other statuses are ignored.
    """

    secrets: SecretList = []
    header: str = Field(min_length=1)
    algorithm: HmacAlgorithm = HmacAlgorithm.SHA256
    encoding: HmacEncoding = HmacEncoding.HEX
    signature_prefix: str = ""
    signed_content: HmacSignedContent = HmacSignedContent.BODY
    timestamp_header: str | None = None
    separator: str = "."
    tolerance_seconds: int = Field(default=300, gt=0)
    event_id_field: str | None = None
    reference_field: str = Field(default="reference", min_length=1)
    payment_id_field: str | None = None
    amount_field: str = Field(default="amount", min_length=1)
    amount_in_major_units: bool = False
    currency_field: str = Field(default="currency", min_length=1)
    status_field: str = Field(default="status", min_length=1)
    refund_id_field: str | None = None
    statuses: Annotated[dict[str, HmacOutcome], NoDecode] = Field(min_length=1)

    _split = field_validator("secrets", mode="before")(split_csv)

    @field_validator("statuses", mode="before")
    @classmethod
    def _pairs(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        pairs: dict[str, str] = {}
        for item in split_csv(value):
            status, sep, outcome = item.rpartition(":")
            if not sep or not status.strip():
                raise ValueError("statuses are status:outcome pairs, e.g. PAID:succeeded")
            pairs[status.strip()] = outcome.strip()
        return pairs

    @model_validator(mode="after")
    def _timestamp_header_iff_signed(self) -> Self:
        signs_timestamp = self.signed_content is HmacSignedContent.TIMESTAMP_BODY
        if signs_timestamp != bool(self.timestamp_header):
            raise ValueError("a timestamp_header goes with signed_content timestamp_body")
        return self


HMAC_SOURCE_DEFAULTS: dict[str, dict[str, Any]] = {
    "upi": {
        "header": "X-UPI-Signature",
        "event_id_field": "event_id",
        "payment_id_field": "utr",
        "amount_in_major_units": True,
        "refund_id_field": "refund_id",
        "statuses": {
            "SUCCESS": "succeeded",
            "PENDING": "pending",
            "FAILURE": "failed",
            "REFUNDED": "refunded",
        },
    },
    "onecom": {
        "header": "X-Onecom-Signature",
        "signed_content": "timestamp_body",
        "timestamp_header": "X-Onecom-Timestamp",
        "tolerance_seconds": 300,
        "event_id_field": "id",
        "reference_field": "data.reference",
        "payment_id_field": "data.payment_id",
        "amount_field": "data.amount",
        "currency_field": "data.currency",
        "status_field": "data.status",
        "refund_id_field": "data.refund_id",
        "statuses": {
            "paid": "succeeded",
            "pending": "pending",
            "failed": "failed",
            "refunded": "refunded",
        },
    },
}
"""The sources paywire ships preconfigured; each needs only its ``SECRETS``."""

_SOURCE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


def default_hmac_sources() -> dict[str, Any]:
    """The preconfigured sources, as the raw values ``HmacSources`` validates."""
    return {name: dict(fields) for name, fields in HMAC_SOURCE_DEFAULTS.items()}


def _over_defaults(value: Any) -> Any:
    """Configured sources laid field by field over the preconfigured ones."""
    if not isinstance(value, Mapping):
        return value
    merged = default_hmac_sources()
    for name, given in value.items():
        if not isinstance(name, str) or not _SOURCE_NAME.fullmatch(name):
            raise ValueError(f"{name!r} is not a source name (lower-case letters, digits, _ -)")
        if isinstance(given, Mapping) and name in merged:
            merged[name] = {**merged[name], **given}
        else:
            merged[name] = given
    return merged


HmacSources = Annotated[dict[str, HmacSourceSettings], BeforeValidator(_over_defaults)]
"""Generic HMAC sources by name: the preconfigured ones merged with the configured ones."""
