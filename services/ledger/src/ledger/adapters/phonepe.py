"""PhonePe's Check Status API as a ``StatusChecker``, over the PhonePe gateway's own client.

paywire uses the session id as PhonePe's merchant transaction (v1) and order (v2) id, so
the session a shared-secret webhook names (``session_ref``) is what is asked about. The call
and the reading of the answer are ``PhonepeClient.check_status``, the same one the
``PhonepeGateway``'s ``fetch_status`` makes, so a confirmation and a scheduled status check
of one payment report the same event (and the inbox applies it once).
"""

from __future__ import annotations

from typing import Self

import httpx
from common.events import ProviderEvent, ProviderEventKind
from common.settings import Settings
from ingress.providers.http import HttpPolicy, ProviderApiError, ProviderApiUnavailable
from ingress.providers.phonepe.client import PhonepeClient, is_transaction_id

from ledger.adapters.status import StatusAnswer, StatusCheckFailed

__all__ = ["PhonepeStatusChecker"]


class PhonepeStatusChecker:
    """Confirms PhonePe payments through the Check Status API."""

    def __init__(self, client: PhonepeClient) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"PhonepeStatusChecker({self._client!r})"

    @classmethod
    def from_settings(
        cls, settings: Settings, http: httpx.AsyncClient, policy: HttpPolicy | None = None
    ) -> Self | None:
        """Configured when ``PAYWIRE_PHONEPE__MERCHANT_ID`` and ``__SALT_KEYS`` are set."""
        client = PhonepeClient.from_settings(settings.phonepe, http, policy)
        return cls(client) if client is not None else None

    async def check(self, event: ProviderEvent) -> StatusAnswer:
        """The status of the transaction whose merchant id is ``event.session_ref``."""
        transaction = event.session_ref or ""
        if not is_transaction_id(transaction):
            return StatusAnswer("not a PhonePe merchant transaction id")
        try:
            checked = await self._client.check_status(transaction)
        except ProviderApiUnavailable as exc:
            server_error = exc.status is not None and exc.status >= 500
            said = f"PhonePe answered {exc.status}" if server_error else exc.message
            raise StatusCheckFailed(said) from exc
        except ProviderApiError as exc:
            return StatusAnswer(exc.code)
        found = checked.event
        succeeded = found is not None and found.kind is ProviderEventKind.PAYMENT_SUCCEEDED
        return StatusAnswer(checked.answer.code, found if succeeded else None)

    async def aclose(self) -> None:
        """Nothing to release: the client's connection pool belongs to the ledger."""
