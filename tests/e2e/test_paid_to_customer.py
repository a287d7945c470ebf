"""A paid session reaches the customer: live update, receipt, access page, key, token.

All four services run as processes against the real Postgres, RabbitMQ and an SMTP
server; clients speak HTTP and WebSocket to them as a merchant and a customer would.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
import jwt
import pytest
import websockets
from common.settings import Settings
from ledger.operations import create_merchant

from paywire.samples import SampleSession, SignedRequest
from paywire.samples.stripe import STRIPE_SAMPLES
from tests.e2e.conftest import eventually, wait_for_status
from tests.e2e.mail import MailBox, text_of
from tests.e2e.system import STRIPE_SECRET, System, free_port, running_system

pytestmark = pytest.mark.e2e

AMOUNT = 2500
PAYMENT_INTENT = "pi_e2e_customer"


@dataclass
class Scenario:
    """The running system, a merchant, a session and the mailbox."""

    system: System
    mail: MailBox
    api_key: str
    merchant_id: str
    session_id: str
    http: httpx.AsyncClient

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}

    def sample(self, event: str) -> SignedRequest:
        settings = Settings(_env_file=None, stripe={"webhook_secrets": STRIPE_SECRET})
        session = SampleSession(self.session_id, AMOUNT, "EUR", PAYMENT_INTENT)
        return STRIPE_SAMPLES[event](settings, session)

    async def send(self, request: SignedRequest) -> httpx.Response:
        return await self.http.post(
            f"{self.system.urls['ingress']}{request.path}",
            content=request.body,
            headers=request.headers,
        )

    def stream_url(self, last_event_id: str | None = None) -> str:
        base = self.system.urls["notifier"].replace("http://", "ws://")
        url = f"{base}/v1/stream?session={self.session_id}"
        return f"{url}&last_event_id={last_event_id}" if last_event_id else url


@pytest.fixture(scope="module")
async def scenario() -> AsyncIterator[Scenario]:
    mail = MailBox()
    smtp_port = free_port()
    controller = mail.start(smtp_port)
    extra = {"PAYWIRE_SMTP__HOST": "127.0.0.1", "PAYWIRE_SMTP__PORT": str(smtp_port)}
    try:
        async with (
            running_system(database="paywire_e2e_customer", extra_env=extra) as system,
            httpx.AsyncClient(timeout=10.0) as http,
        ):
            merchant = await create_merchant(system.database_url, "Acme Books")
            created = await http.post(
                f"{system.urls['ledger']}/v1/sessions",
                headers={"Authorization": f"Bearer {merchant['api_key']}"},
                json={
                    "amount": AMOUNT,
                    "currency": "eur",
                    "provider": "stripe",
                    "product": "Pro plan",
                    "customer": {"id": "cus_42", "email": "ada@example.com", "name": "Ada"},
                },
            )
            assert created.status_code == 201, created.text
            yield Scenario(
                system,
                mail,
                merchant["api_key"],
                merchant["merchant_id"],
                created.json()["id"],
                http,
            )
    finally:
        controller.stop()


async def _receive(ws: websockets.ClientConnection, count: int) -> list[dict[str, Any]]:
    return [json.loads(await asyncio.wait_for(ws.recv(), 20)) for _ in range(count)]


async def test_paid_webhook_reaches_the_customer_once(scenario: Scenario) -> None:
    """A paid webhook, delivered 20 times at once, gives one live update, one receipt,
    one invoice and a key shown once; a reconnecting client gets what it missed."""
    live = await websockets.connect(scenario.stream_url(), additional_headers=scenario.auth)
    resuming = await websockets.connect(scenario.stream_url(), additional_headers=scenario.auth)

    assert (await scenario.send(scenario.sample("payment_intent.processing"))).status_code == 200
    [pending] = await _receive(live, 1)
    assert (pending["type"], pending["status"]) == ("payment.pending", "pending")
    assert [m["id"] for m in await _receive(resuming, 1)] == [pending["id"]]
    await resuming.close()

    paid_request = scenario.sample("payment_intent.succeeded")
    answers = await asyncio.gather(*(scenario.send(paid_request) for _ in range(20)))
    assert {a.status_code for a in answers} == {200}

    paid, issued = await _receive(live, 2)
    assert (paid["type"], paid["status"]) == ("payment.paid", "paid")
    assert paid["session_id"] == scenario.session_id
    assert issued["type"] == "fulfillment.issued"
    assert int(pending["id"]) < int(paid["id"]) < int(issued["id"])

    async with websockets.connect(
        scenario.stream_url(last_event_id=pending["id"]), additional_headers=scenario.auth
    ) as resumed:
        missed = await _receive(resumed, 2)
    assert [m["id"] for m in missed] == [paid["id"], issued["id"]]
    await live.close()

    assert await eventually(lambda: _has(scenario.mail, "receipt", 1))
    await asyncio.sleep(1.0)  # a duplicate, if any, would arrive in this window
    [receipt] = scenario.mail.with_subject("receipt")
    assert receipt["To"] == "ada@example.com"
    assert await _count_issued(scenario) == {"invoices": 1, "api_keys": 1, "access_tokens": 1}

    access_url = re.search(r"https?://\S+/v1/access/\S+", text_of(receipt))
    assert access_url is not None
    first = (await scenario.http.get(access_url[0], headers={"Accept": "application/json"})).json()
    second = (await scenario.http.get(access_url[0], headers={"Accept": "application/json"})).json()
    key = first["api_key"]["key"]
    assert key is not None
    assert key.startswith("pwk_")
    assert second["api_key"]["key"] is None
    assert second["api_key"]["masked"] == first["api_key"]["masked"]
    assert first["invoice"]["number"] in text_of(receipt)
    html = await scenario.http.get(access_url[0], headers={"Accept": "text/html"})
    assert html.status_code == 200
    assert first["invoice"]["number"] in html.text

    introspection = await _introspect(scenario, key)
    assert introspection == {
        "active": True,
        "customer": {"id": "cus_42", "email": "ada@example.com", "name": "Ada"},
        "product": "Pro plan",
        "session_id": scenario.session_id,
    }

    token = access_url[0].rsplit("/", 1)[1]
    await _check_token(scenario, token)

    refund = scenario.sample("charge.refunded")
    assert (await scenario.send(refund)).status_code == 200
    refunded = await wait_for_status(
        scenario.http,
        scenario.system.urls["ledger"],
        scenario.session_id,
        scenario.api_key,
        "refunded",
    )
    assert refunded["status"] == "refunded"
    assert await eventually(lambda: _inactive(scenario, key))
    assert await eventually(lambda: _has(scenario.mail, "refund", 1))
    await asyncio.sleep(1.0)
    assert len(scenario.mail.with_subject("refund")) == 1
    assert len(scenario.mail.with_subject("receipt")) == 1
    revoked = await scenario.http.get(access_url[0], headers={"Accept": "application/json"})
    assert revoked.json()["status"] == "revoked"
    assert await eventually(lambda: _ledger_shows_revoked(scenario, first["invoice"]["number"]))


async def _ledger_shows_revoked(scenario: Scenario, invoice_number: str) -> bool:
    """The ledger's view of the session names the invoice and the revocation."""
    session = (
        await scenario.http.get(
            f"{scenario.system.urls['ledger']}/v1/sessions/{scenario.session_id}",
            headers=scenario.auth,
        )
    ).json()
    fulfillment = session["fulfillment"] or {}
    return (fulfillment.get("invoice_number"), fulfillment.get("revoked_reason")) == (
        invoice_number,
        "refunded",
    )


async def _check_token(scenario: Scenario, token: str) -> None:
    """The token verifies against the JWKS with PyJWT; tampered variants do not."""
    jwks = (
        await scenario.http.get(f"{scenario.system.urls['fulfillment']}/.well-known/jwks.json")
    ).json()
    header = jwt.get_unverified_header(token)
    [jwk] = [k for k in jwks["keys"] if k["kid"] == header["kid"]]
    key = jwt.PyJWK.from_dict(jwk)
    claims = jwt.decode(token, key, algorithms=[header["alg"]], audience=scenario.merchant_id)
    assert claims["sid"] == scenario.session_id
    assert claims["aud"] == scenario.merchant_id
    assert claims["exp"] - claims["iat"] == int(timedelta(days=7).total_seconds())

    with pytest.raises(jwt.InvalidAudienceError):
        jwt.decode(token, key, algorithms=[header["alg"]], audience="mer_someone_else")
    with pytest.raises(jwt.ExpiredSignatureError):
        jwt.decode(
            token,
            key,
            algorithms=[header["alg"]],
            audience=scenario.merchant_id,
            leeway=-timedelta(days=8),
            options={"verify_iat": False},
        )
    unsigned = jwt.encode({**claims}, key=None, algorithm="none", headers={"kid": header["kid"]})
    with pytest.raises(jwt.InvalidAlgorithmError):
        jwt.decode(unsigned, key, algorithms=[header["alg"]], audience=scenario.merchant_id)
    access = f"{scenario.system.urls['fulfillment']}/v1/access"
    for forged in (unsigned, token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")):
        answer = await scenario.http.get(
            f"{access}/{forged}", headers={"Accept": "application/json"}
        )
        assert answer.status_code == 401


async def _introspect(scenario: Scenario, key: str) -> dict[str, Any]:
    response = await scenario.http.post(
        f"{scenario.system.urls['fulfillment']}/v1/api-keys/introspect",
        headers=scenario.auth,
        json={"key": key},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _inactive(scenario: Scenario, key: str) -> bool:
    return (await _introspect(scenario, key)) == {"active": False}


async def _has(mail: MailBox, subject: str, count: int) -> bool:
    return len(mail.with_subject(subject)) >= count


async def _count_issued(scenario: Scenario) -> dict[str, int]:
    dsn = scenario.system.database_url.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(dsn)
    try:
        return {
            table: await conn.fetchval(
                f"SELECT count(*) FROM fulfillment.{table} WHERE session_id = $1",
                scenario.session_id,
            )
            for table in ("invoices", "api_keys", "access_tokens")
        }
    finally:
        await conn.close()
