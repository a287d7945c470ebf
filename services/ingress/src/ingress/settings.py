"""Settings only ingress reads, on top of the shared ``common.settings.Settings``."""

from __future__ import annotations

from common.settings import Settings

__all__ = ["DEFAULT_LEDGER_URL", "IngressSettings", "ledger_url"]

DEFAULT_LEDGER_URL = "http://127.0.0.1:8002"


class IngressSettings(Settings):
    """``PAYWIRE_LEDGER_URL``: where the Pi flow reads a session's amount and status."""

    ledger_url: str = DEFAULT_LEDGER_URL


def ledger_url(settings: Settings) -> str:
    """The ledger's base URL; plain ``Settings`` (no ingress part) give the default."""
    return settings.ledger_url if isinstance(settings, IngressSettings) else DEFAULT_LEDGER_URL
