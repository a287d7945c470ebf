"""``paywire demo``: a guided payment through the running system.

It creates a merchant, opens a checkout session, follows it live over WebSocket,
sends a Stripe-signed ``payment_intent.succeeded`` to ingress, and shows what each
service did: the session paid with its timeline, the access link and invoice, the mail.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from common.settings import Settings

from paywire.dev import service_url
from paywire.samples import SampleSession
from paywire.trigger import build_request

__all__ = ["run_demo"]


async def run_demo(settings: Settings) -> int:
    """Run the walkthrough; 0 when the session ends paid and fulfilled."""
    from ledger.operations import create_merchant

    if not settings.stripe.webhook_secrets:
        _step("PAYWIRE_STRIPE__WEBHOOK_SECRETS is not set: copy .env.example to .env first")
        return 1
    ledger = service_url(settings, "ledger")
    ingress = service_url(settings, "ingress")

    _step("1/5 create a merchant (the CLI: paywire merchant create --name 'Demo Shop')")
    merchant = await create_merchant(settings.database_url, "Demo Shop")
    _show({"merchant_id": merchant["merchant_id"], "api_key": merchant["api_key"]})
    auth = {"Authorization": f"Bearer {merchant['api_key']}"}

    async with httpx.AsyncClient(timeout=10.0) as client:
        _step("2/5 the merchant's app opens a checkout session: POST /v1/sessions")
        response = await client.post(
            f"{ledger}/v1/sessions",
            headers=auth,
            json={
                "amount": 4900,
                "currency": "usd",
                "provider": "stripe",
                "product": "Pro plan (monthly)",
                "customer": {"id": "cus_demo", "email": "ada@example.com", "name": "Ada"},
            },
        )
        response.raise_for_status()
        session = response.json()
        _show({k: session[k] for k in ("id", "status", "amount", "currency", "expires_at")})

        _step("3/5 Stripe tells paywire the payment succeeded: a signed webhook to ingress")
        sample = build_request(
            settings,
            "stripe",
            "payment_intent.succeeded",
            SampleSession(session["id"], 4900, "USD"),
        )
        webhook = await client.post(
            f"{ingress}{sample.path}", content=sample.body, headers=sample.headers
        )
        _show({"POST /webhooks/stripe": webhook.status_code, "Stripe-Signature": "t=...,v1=..."})

        _step("4/5 the ledger applies it: GET /v1/sessions/{id}")
        paid = await _wait_for(client, f"{ledger}/v1/sessions/{session['id']}", auth, "paid")
        if paid is None:
            _step("the session did not become paid within 20 s; see the service logs above")
            return 1
        _show({"status": paid["status"], "timeline": paid.get("timeline", [])})

        _step("5/5 fulfillment and notifier: invoice, API key, access link, receipt email")
        _show({"fulfillment": paid.get("fulfillment")})
        _step(f"done: public status at {ledger}/v1/public/sessions/{session['id']}")
    return 0


async def _wait_for(
    client: httpx.AsyncClient, url: str, headers: dict[str, str], status: str
) -> dict[str, Any] | None:
    for _ in range(80):
        body: dict[str, Any] = (await client.get(url, headers=headers)).json()
        if body.get("status") == status:
            return body
        await asyncio.sleep(0.25)
    return None


def _step(text: str) -> None:
    print(f"\n\033[1m==> {text}\033[0m", flush=True)


def _show(value: object) -> None:
    print(json.dumps(value, indent=2, default=str), flush=True)
