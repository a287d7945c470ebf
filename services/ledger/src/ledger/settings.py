"""Settings only the ledger reads, on top of the shared ``common.settings.Settings``."""

from __future__ import annotations

from datetime import timedelta

from common.settings import Settings
from pydantic import Field

__all__ = ["LedgerSettings"]


class LedgerSettings(Settings):
    """``PAYWIRE_SESSION_TTL_SECONDS`` (default 24 hours) besides the shared settings."""

    session_ttl_seconds: int = Field(default=24 * 3600, gt=0)

    @property
    def session_ttl(self) -> timedelta:
        """How long after creation a checkout session expires."""
        return timedelta(seconds=self.session_ttl_seconds)
