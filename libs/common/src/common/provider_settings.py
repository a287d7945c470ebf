"""Each provider's configuration, as CONTRACT.md names it (``PAYWIRE_<PROVIDER>__<NAME>``).

A provider with no webhook secret configured answers 404 at its webhook path.
``*_api_base`` overrides the provider's API host (tests point it at a local fake).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, SecretStr, field_validator
from pydantic_settings import NoDecode

__all__ = [
    "AlchemySettings",
    "CoinbaseSettings",
    "PayuSettings",
    "PhonepeSettings",
    "PiSettings",
    "RazorpaySettings",
    "SecretList",
    "StandardSettings",
    "StripeSettings",
    "split_csv",
]

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
    """PayU merchant key and salts (several during rotation); the salts sign callbacks."""

    key: str | None = None
    salts: SecretList = []
    api_base: str = "https://info.payu.in"

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


class AlchemySettings(BaseModel):
    """Alchemy Notify signing keys (one per webhook; several allowed)."""

    signing_keys: SecretList = []

    _split = field_validator("signing_keys", mode="before")(split_csv)


class StandardSettings(BaseModel):
    """Standard Webhooks senders' ``whsec_`` base64 secrets."""

    secrets: SecretList = []
    tolerance_seconds: int = 300

    _split = field_validator("secrets", mode="before")(split_csv)
