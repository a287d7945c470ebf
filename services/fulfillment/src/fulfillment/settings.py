"""Settings only fulfillment reads, on top of the shared ``common.settings.Settings``."""

from __future__ import annotations

from common.settings import Settings
from pydantic import SecretStr

__all__ = ["FulfillmentSettings"]


class FulfillmentSettings(Settings):
    """``PAYWIRE_LEDGER_URL`` and ``PAYWIRE_SIGNING_KEY_PASSPHRASE`` besides the shared ones.

    The passphrase encrypts the token signing keys at rest; it lives only in the
    environment, so a copy of the database alone can neither sign tokens nor rebuild one.
    The default is a placeholder, which ``prod`` refuses.
    """

    ledger_url: str = "http://127.0.0.1:8002"
    signing_key_passphrase: SecretStr = SecretStr("change-me-dev-signing-key-passphrase")
