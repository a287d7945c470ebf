"""A Stripe-signed webhook moves a checkout session to paid, through real processes."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import asyncpg
import httpx
import pytest
from ledger.operations import create_merchant

from paywire.samples import SampleSession
from paywire.samples.stripe import STRIPE_SAMPLES
from tests.e2e.conftest import wait_for_status
from tests.e2e.system import running_system

pytestmark = pytest.mark.e2e


async def test_signed_stripe_webhook_makes_the_session_paid_and_the_journal_balances() -> None:
    """A signed payment_intent.succeeded makes the session paid with one balanced entry."""
    async with running_system(
        services=("ingress", "ledger"), database="paywire_e2e_stripe"
    ) as system:
        merchant = await create_merchant(system.database_url, "Acme")
        auth = {"Authorization": f"Bearer {merchant['api_key']}"}
        async with httpx.AsyncClient(timeout=10.0) as client:
            created = await client.post(
                f"{system.urls['ledger']}/v1/sessions",
                headers=auth,
                json={
                    "amount": 4900,
                    "currency": "usd",
                    "provider": "stripe",
                    "customer": {"email": "ada@example.com"},
                },
            )
            assert created.status_code == 201, created.text
            session = created.json()
            assert session["status"] == "created"

            from common.settings import Settings

            settings = Settings(_env_file=None, **_stripe_only(system.env))
            sample = STRIPE_SAMPLES["payment_intent.succeeded"](
                settings, SampleSession(session["id"], 4900, "USD", "pi_e2e_1")
            )
            webhook = await client.post(
                f"{system.urls['ingress']}{sample.path}",
                content=sample.body,
                headers=sample.headers,
            )
            assert webhook.status_code == 200, webhook.text

            paid = await wait_for_status(
                client, system.urls["ledger"], session["id"], merchant["api_key"], "paid"
            )
            assert paid["status"] == "paid", system.log_text("ledger")[-3000:]

            replay = await client.post(
                f"{system.urls['ingress']}{sample.path}",
                content=sample.body,
                headers=sample.headers,
            )
            assert replay.status_code == 200
            assert replay.json()["event_id"] == webhook.json()["event_id"]

        dsn = system.database_url.replace("postgresql+asyncpg://", "postgresql://")
        conn = await asyncpg.connect(dsn)
        try:
            lines = await conn.fetch(
                """
                SELECT e.kind, l.account, l.currency, l.amount
                FROM ledger.journal_entries e JOIN ledger.journal_lines l ON l.entry_id = e.id
                WHERE e.session_id = $1 ORDER BY l.amount
                """,
                session["id"],
            )
        finally:
            await conn.close()
        entries = {row["kind"] for row in lines}
        assert len(entries) == 1
        assert sum(row["amount"] for row in lines) == 0
        assert sorted(abs(row["amount"]) for row in lines) == [4900, 4900]
        assert {row["currency"] for row in lines} == {"USD"}


def _stripe_only(env: dict[str, str]) -> dict[str, object]:
    return {"stripe": {"webhook_secrets": env["PAYWIRE_STRIPE__WEBHOOK_SECRETS"]}}


async def test_paywire_trigger_makes_a_session_paid() -> None:
    """``paywire trigger stripe payment_intent.succeeded --session ID`` pays the session."""
    async with running_system(
        services=("ingress", "ledger"), database="paywire_e2e_trigger"
    ) as system:
        merchant = await create_merchant(system.database_url, "Acme")
        async with httpx.AsyncClient(timeout=10.0) as client:
            created = await client.post(
                f"{system.urls['ledger']}/v1/sessions",
                headers={"Authorization": f"Bearer {merchant['api_key']}"},
                json={"amount": 1999, "currency": "gbp", "provider": "stripe"},
            )
            session_id = created.json()["id"]
            cli = await asyncio.create_subprocess_exec(
                str(Path(sys.executable).parent / "paywire"),
                "trigger",
                "stripe",
                "payment_intent.succeeded",
                "--session",
                session_id,
                env=system.env,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
            )
            output, _ = await cli.communicate()
            assert cli.returncode == 0, output.decode()
            assert output.decode().startswith("ingress answered 200")
            paid = await wait_for_status(
                client, system.urls["ledger"], session_id, merchant["api_key"], "paid"
            )
        assert paid["status"] == "paid"
        assert paid["timeline"][0]["detail"]["amount"] == 1999
