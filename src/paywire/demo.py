"""``paywire demo``: a guided payment through the running system.

It creates a merchant, opens a checkout session, follows it live over the notifier's
WebSocket, sends a Stripe-signed ``payment_intent.succeeded`` to ingress (what
``paywire trigger`` does), and shows what each service did: the ledger's timeline, the
live updates including fulfillment's invoice, and where the receipt email went.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

import httpx
import websockets
from common.settings import Settings

from paywire.dev import service_url
from paywire.samples import SampleSession
from paywire.trigger import build_request

__all__ = ["run_demo"]

AMOUNT = 4900
PAYMENT_ID = "pi_demo_0001"


async def run_demo(settings: Settings) -> int:
    """Run the walkthrough; 0 when the session ends paid and fulfilled."""
    from ledger.operations import create_merchant

    if not settings.stripe.webhook_secrets:
        _step("PAYWIRE_STRIPE__WEBHOOK_SECRETS is not set: copy .env.example to .env first")
        return 1
    ledger = service_url(settings, "ledger")

    _step("1/5 create a merchant  (CLI: paywire merchant create --name 'Demo Shop')")
    merchant = await create_merchant(settings.database_url, "Demo Shop")
    _show(merchant)
    auth = {"Authorization": f"Bearer {merchant['api_key']}"}

    async with httpx.AsyncClient(timeout=10.0) as client:
        _step("2/5 the merchant's app opens a checkout session: POST /v1/sessions")
        response = await client.post(
            f"{ledger}/v1/sessions",
            headers=auth,
            json={
                "amount": AMOUNT,
                "currency": "usd",
                "provider": "stripe",
                "product": "Pro plan (monthly)",
                "customer": {"id": "cus_demo", "email": "ada@example.com", "name": "Ada"},
            },
        )
        response.raise_for_status()
        session = response.json()
        _show({k: session[k] for k in ("id", "status", "amount", "currency", "expires_at")})

        _step("3/5 the app follows it live: WebSocket /v1/stream?session=... on the notifier")
        stream_url = (
            f"{service_url(settings, 'notifier').replace('http', 'ws', 1)}"
            f"/v1/stream?session={session['id']}"
        )
        async with websockets.connect(stream_url, additional_headers=auth) as stream:
            trigger = f"paywire trigger stripe payment_intent.succeeded --session {session['id']}"
            _step(
                "4/5 Stripe says the payment succeeded: a signed webhook to ingress\n"
                f"    (CLI: {trigger})"
            )
            sample = build_request(
                settings,
                "stripe",
                "payment_intent.succeeded",
                SampleSession(session["id"], AMOUNT, "USD", PAYMENT_ID),
            )
            webhook = await client.post(
                f"{service_url(settings, 'ingress')}{sample.path}",
                content=sample.body,
                headers=sample.headers,
            )
            _show({"POST /webhooks/stripe": webhook.status_code, "answer": webhook.json()})
            messages = await _receive_until(stream, "fulfillment.issued")
        for message in messages:
            _show({"live": message["type"], "status": message["status"], "id": message["id"]})

        _step("5/5 the ledger's record: GET /v1/sessions/{id}")
        paid = (await client.get(f"{ledger}/v1/sessions/{session['id']}", headers=auth)).json()
        _show(
            {
                "status": paid["status"],
                "timeline": [f"{t['kind']}: {t.get('detail', {})}" for t in paid["timeline"]],
            }
        )
    if paid["status"] != "paid" or not any(m["type"] == "fulfillment.issued" for m in messages):
        _step("the session was not paid and fulfilled within 20 s; see the service logs above")
        return 1
    _step(
        "done. The receipt email (with the customer's access link: invoice, PDF, API key shown "
        "once) went to ada@example.com: `paywire dev` prints it above; with Docker, Mailpit "
        "shows it at http://localhost:8025.\n"
        f"    Refund it: paywire trigger stripe charge.refunded --session {session['id']} "
        f"--payment-id {PAYMENT_ID}"
    )
    return 0


async def _receive_until(
    stream: websockets.ClientConnection, last_type: str
) -> list[dict[str, Any]]:
    received: list[dict[str, Any]] = []
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(20):
            while not received or received[-1]["type"] != last_type:
                received.append(json.loads(await stream.recv()))
    return received


def _step(text: str) -> None:
    print(f"\n\033[1m==> {text}\033[0m", flush=True)


def _show(value: object) -> None:
    print(json.dumps(value, indent=2, default=str), flush=True)
