"""PhonePe PG v1 callbacks and v2 webhooks."""

from ingress.providers.phonepe.provider import (
    CredentialContent,
    PhonepeProvider,
    SaltedContent,
    credential_secret,
    salt_secret,
)

__all__ = [
    "CredentialContent",
    "PhonepeProvider",
    "SaltedContent",
    "credential_secret",
    "salt_secret",
]
