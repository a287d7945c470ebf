"""Settings only the ledger reads, on top of the shared ``common.settings.Settings``."""

from __future__ import annotations

from datetime import timedelta

from common.settings import Settings
from ingress.providers.http import HttpPolicy, RetryPolicy
from pydantic import Field

from ledger.reconciliation.settings import ReconcileSettings

__all__ = ["LedgerSettings"]


class LedgerSettings(Settings):
    """``PAYWIRE_SESSION_TTL_SECONDS`` (default 24 hours) besides the shared settings, and
    how provider APIs are called: ``PAYWIRE_PROVIDER_TIMEOUT_SECONDS`` per attempt,
    ``PAYWIRE_PROVIDER_ATTEMPTS`` in all for a call that is safe to repeat, and
    ``PAYWIRE_PROVIDER_BACKOFF_SECONDS``, the longest first wait (doubling, at most 4 s).
    ``PAYWIRE_RECONCILE__*`` schedules status checks (``ReconcileSettings``)."""

    session_ttl_seconds: int = Field(default=24 * 3600, gt=0)
    provider_timeout_seconds: float = Field(default=10.0, gt=0)
    provider_attempts: int = Field(default=3, ge=1, le=10)
    provider_backoff_seconds: float = Field(default=0.25, ge=0, le=4)
    reconcile: ReconcileSettings = ReconcileSettings()

    @property
    def provider_policy(self) -> HttpPolicy:
        """Timeout and retry policy for the provider API clients."""
        retry = RetryPolicy(
            attempts=self.provider_attempts, base_delay=self.provider_backoff_seconds
        )
        return HttpPolicy(timeout=self.provider_timeout_seconds, retry=retry)

    @property
    def session_ttl(self) -> timedelta:
        """How long after creation a checkout session expires."""
        return timedelta(seconds=self.session_ttl_seconds)
