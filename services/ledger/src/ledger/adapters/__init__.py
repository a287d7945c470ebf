"""Adapters to the world outside the ledger: providers' status APIs."""

from __future__ import annotations

import httpx
from common.settings import Settings
from ingress.providers.http import HttpPolicy

from ledger.adapters.phonepe import PhonepeStatusChecker
from ledger.adapters.status import StatusAnswer, StatusChecker, StatusCheckFailed

__all__ = [
    "PhonepeStatusChecker",
    "StatusAnswer",
    "StatusCheckFailed",
    "StatusChecker",
    "status_checkers",
]


def status_checkers(
    settings: Settings, http: httpx.AsyncClient, policy: HttpPolicy | None = None
) -> dict[str, StatusChecker]:
    """The status APIs configured in ``settings``, by provider name, sharing ``http``."""
    checkers: dict[str, StatusChecker] = {}
    phonepe = PhonepeStatusChecker.from_settings(settings, http, policy)
    if phonepe is not None:
        checkers["phonepe"] = phonepe
    return checkers
