"""The notifier's settings: the shared ``Settings`` plus where to check credentials.

``PAYWIRE_FULFILLMENT_URL`` serves the JWKS that signs access tokens and
``PAYWIRE_LEDGER_URL`` answers who a merchant key belongs to. Tuning knobs live under
``PAYWIRE_NOTIFIER__`` next to the listener's host and port.
"""

from __future__ import annotations

from common.settings import ServiceSettings, Settings

__all__ = ["NotifierServiceSettings", "NotifierSettings"]


class NotifierServiceSettings(ServiceSettings):
    """The notifier's listener, mail retry policy and stream timings."""

    port: int = 8004
    email_retry_base_seconds: float = 5.0
    email_retry_max_seconds: float = 900.0
    email_sending_timeout_seconds: float = 300.0
    email_poll_seconds: float = 2.0
    smtp_timeout_seconds: float = 30.0
    stream_poll_seconds: float = 2.0
    stream_batch_size: int = 100
    stream_batch_linger_seconds: float = 0.005
    stream_buffer: int = 1000
    merchant_cache_seconds: float = 30.0


class NotifierSettings(Settings):
    """Everything ``paywire-notifier`` reads."""

    fulfillment_url: str = "http://127.0.0.1:8003"
    ledger_url: str = "http://127.0.0.1:8002"
    notifier: NotifierServiceSettings = NotifierServiceSettings()
