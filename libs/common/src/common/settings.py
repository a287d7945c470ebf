"""Configuration shared by every paywire process.

Settings come from ``PAYWIRE_``-prefixed environment variables, nested with ``__``
(``PAYWIRE_STRIPE__WEBHOOK_SECRETS``), and from a ``.env`` file (another file with
``PAYWIRE_ENV_FILE=path``, none with ``PAYWIRE_ENV_FILE=``). List values are
comma-separated so that several secrets can be configured during a rotation.
In ``prod`` a process refuses to start when a configured secret is empty or a placeholder.
"""

from __future__ import annotations

import os
from enum import StrEnum

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from common.provider_settings import (
    AlchemySettings,
    CoinbaseSettings,
    HmacSources,
    PayuSettings,
    PhonepeSettings,
    PiSettings,
    RazorpaySettings,
    SecretList,
    StandardSettings,
    StripeSettings,
    UpiSettings,
    default_hmac_sources,
    split_csv,
)

__all__ = [
    "Environment",
    "SecretList",
    "ServiceSettings",
    "Settings",
    "SmtpSettings",
    "StripeSettings",
    "split_csv",
]

PLACEHOLDER_MARKERS = ("changeme", "change-me", "placeholder", "xxx", "your-", "example")


class Environment(StrEnum):
    """Where the process runs; ``prod`` turns on the strict secret checks."""

    DEV = "dev"
    TEST = "test"
    PROD = "prod"


class ServiceSettings(BaseModel):
    """Per-service HTTP listener."""

    host: str = "127.0.0.1"
    port: int


class SmtpSettings(BaseModel):
    """Outgoing mail server."""

    host: str = "127.0.0.1"
    port: int = 1025
    sender: str = Field(default="paywire <receipts@paywire.local>", alias="from")

    model_config = {"populate_by_name": True}


class Settings(BaseSettings):
    """Every setting a paywire process reads. Services read only the parts they need."""

    model_config = SettingsConfigDict(
        env_prefix="PAYWIRE_",
        env_nested_delimiter="__",
        env_file=os.environ.get("PAYWIRE_ENV_FILE", ".env") or None,
        extra="ignore",
    )

    env: Environment = Environment.DEV
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/paywire"
    amqp_url: SecretStr = SecretStr("amqp://guest:guest@127.0.0.1:5672/")
    public_base_url: str = "http://127.0.0.1:8003"
    ingress_public_url: str = "http://127.0.0.1:8001"
    """Where providers reach ingress (``{ingress_public_url}/webhooks/<provider>``): the
    callback URL paywire gives PhonePe and PayU when it creates a checkout."""
    log_level: str = "INFO"
    log_format: str = "auto"
    publish_timeout_seconds: float = 5.0
    max_body_bytes: int = 1024 * 1024

    smtp: SmtpSettings = SmtpSettings()
    ingress: ServiceSettings = ServiceSettings(port=8001)
    ledger: ServiceSettings = ServiceSettings(port=8002)
    fulfillment: ServiceSettings = ServiceSettings(port=8003)
    notifier: ServiceSettings = ServiceSettings(port=8004)

    stripe: StripeSettings = StripeSettings()
    razorpay: RazorpaySettings = RazorpaySettings()
    payu: PayuSettings = PayuSettings()
    phonepe: PhonepeSettings = PhonepeSettings()
    pi: PiSettings = PiSettings()
    coinbase: CoinbaseSettings = CoinbaseSettings()
    alchemy: AlchemySettings = AlchemySettings()
    standard: StandardSettings = StandardSettings()
    upi: UpiSettings = UpiSettings()
    hmac_sources: HmacSources = Field(default_factory=default_hmac_sources, validate_default=True)

    @model_validator(mode="after")
    def _refuse_placeholder_secrets_in_prod(self) -> Settings:
        if self.env is Environment.PROD:
            bad = [name for name, secret in self.configured_secrets() if is_placeholder(secret)]
            if bad:
                raise ValueError(f"prod refuses empty or placeholder secrets: {', '.join(bad)}")
        return self

    def configured_secrets(self) -> list[tuple[str, SecretStr]]:
        """Every secret value present in the settings, with a dotted name for messages."""
        found: list[tuple[str, SecretStr]] = []
        _collect_secrets(self, "", found)
        return found


def is_placeholder(secret: SecretStr) -> bool:
    """True for an empty secret or one that still holds an example value."""
    value = secret.get_secret_value().strip().lower()
    return not value or any(marker in value for marker in PLACEHOLDER_MARKERS)


def _collect_secrets(model: BaseModel, prefix: str, found: list[tuple[str, SecretStr]]) -> None:
    for name in type(model).model_fields:
        value = getattr(model, name)
        dotted = f"{prefix}{name}"
        if isinstance(value, SecretStr):
            found.append((dotted, value))
        elif isinstance(value, list):
            found.extend(
                (f"{dotted}[{i}]", v) for i, v in enumerate(value) if isinstance(v, SecretStr)
            )
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, SecretStr):
                    found.append((f"{dotted}[{key}]", item))
                elif isinstance(item, BaseModel):
                    _collect_secrets(item, f"{dotted}[{key}].", found)
        elif isinstance(value, BaseModel):
            _collect_secrets(value, f"{dotted}.", found)
