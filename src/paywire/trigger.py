"""``paywire trigger PROVIDER EVENT --session ID``: post a signed sample event to ingress.

Like the Stripe CLI's ``trigger``: it reads the session's amount and currency from the
ledger's public endpoint, builds the provider's event for it, signs it with the secret
configured for that provider, and posts it to the running ingress.
"""

from __future__ import annotations

import httpx
from common.settings import Settings

from paywire.dev import service_url
from paywire.samples import SAMPLES, SampleSession, SignedRequest

__all__ = ["TriggerError", "build_request", "trigger"]


class TriggerError(Exception):
    """The trigger cannot be built or sent; the message says why."""


def build_request(
    settings: Settings, provider: str, event: str, session: SampleSession
) -> SignedRequest:
    """The signed request for ``provider``'s ``event`` about ``session``."""
    if provider == "pi":
        raise TriggerError("pi sends no webhooks: the app calls POST /pi/payments/{id}/approve")
    events = SAMPLES.get(provider)
    if events is None:
        raise TriggerError(f"unknown provider {provider!r}; known: {', '.join(sorted(SAMPLES))}")
    builder = events.get(event)
    if builder is None:
        raise TriggerError(f"{provider} has no sample {event!r}; known: {', '.join(events)}")
    try:
        return builder(settings, session)
    except ValueError as exc:
        raise TriggerError(str(exc)) from exc


async def trigger(
    settings: Settings, provider: str, event: str, session_id: str, payment_id: str | None = None
) -> httpx.Response:
    """Look the session up, then post the signed sample to ingress; returns ingress's answer."""
    async with httpx.AsyncClient(timeout=10.0) as client:
        public = await client.get(
            f"{service_url(settings, 'ledger')}/v1/public/sessions/{session_id}"
        )
        if public.status_code != 200:
            raise TriggerError(
                f"session {session_id} not found at the ledger ({public.status_code})"
            )
        found = public.json()
        session = SampleSession(session_id, found["amount"], found["currency"], payment_id)
        request = build_request(settings, provider, event, session)
        return await client.post(
            f"{service_url(settings, 'ingress')}{request.path}",
            content=request.body,
            headers=request.headers,
        )
