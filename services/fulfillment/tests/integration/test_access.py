import asyncio
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from fulfillment.bootstrap import Services
from fulfillment.tokens import AccessClaims, sign_access_token

pytestmark = pytest.mark.integration

JSON = {"Accept": "application/json"}
BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
KEY = re.compile(r"pwk_[0-9A-Z]{26}_[A-Za-z0-9]{43}")


def masked(issued: Any, key: str) -> str:
    return f"pwk_{issued.api_key_id.removeprefix('key_')}_********{key[-4:]}"


async def test_the_json_page_reveals_the_key_once_then_masks_it(
    client: httpx.AsyncClient, issue: Any, merchant: Any
) -> None:
    """The first JSON visit shows the whole key; the next shows it masked."""
    issued = await issue(merchant[0])
    first = await client.get(f"/v1/access/{issued.token}", headers=JSON)
    second = await client.get(f"/v1/access/{issued.token}", headers=JSON)
    key = first.json()["api_key"]["key"]
    assert KEY.fullmatch(key)
    assert (first.status_code, first.headers["cache-control"]) == (200, "no-store")
    assert {k: v for k, v in first.json().items() if k != "expires_at"} == {
        "status": "active",
        "session_id": issued.session_id,
        "merchant": {"id": merchant[0].id, "name": "Acme Tools"},
        "customer": {"id": "cus_42", "email": "asha@example.com", "name": "Asha Rao"},
        "product": "Pro plan",
        "invoice": {
            "id": issued.invoice_id,
            "number": issued.invoice_number,
            "amount": 49900,
            "currency": "INR",
            "amount_display": "499.00 INR",
            "issued_at": first.json()["invoice"]["issued_at"],
            "pdf_url": f"http://fulfillment.test/v1/invoices/{issued.invoice_id}.pdf"
            f"?token={issued.token}",
        },
        "api_key": {"id": issued.api_key_id, "key": key, "masked": masked(issued, key)},
    }
    assert second.json()["api_key"] == {
        "id": issued.api_key_id,
        "key": None,
        "masked": masked(issued, key),
    }


async def test_the_html_page_reveals_the_key_once_then_masks_it(
    client: httpx.AsyncClient, issue: Any, merchant: Any
) -> None:
    """A browser sees the key in full on the first visit only."""
    issued = await issue(merchant[0])
    first = await client.get(f"/v1/access/{issued.token}", headers=BROWSER)
    second = await client.get(f"/v1/access/{issued.token}", headers=BROWSER)
    keys = KEY.findall(first.text)
    assert (first.status_code, first.headers["content-type"]) == (200, "text/html; charset=utf-8")
    assert (len(keys), issued.invoice_number in first.text, "499.00 INR" in first.text) == (
        1,
        True,
        True,
    )
    assert (KEY.findall(second.text), masked(issued, keys[0]) in second.text) == ([], True)
    assert "cannot be shown again" in second.text


async def test_concurrent_first_visits_reveal_the_key_once(
    client: httpx.AsyncClient, issue: Any, merchant: Any
) -> None:
    """Of ten simultaneous first visits exactly one gets the key."""
    issued = await issue(merchant[0])
    pages = await asyncio.gather(
        *(client.get(f"/v1/access/{issued.token}", headers=JSON) for _ in range(10))
    )
    revealed = sorted(page.json()["api_key"]["key"] is not None for page in pages)
    assert revealed == [False] * 9 + [True]


async def test_the_page_says_revoked_after_a_refund(
    client: httpx.AsyncClient, issue: Any, merchant: Any, handle: Any, payment_event: Any
) -> None:
    """After a refund the page shows a revoked notice and no key, not even the first time."""
    issued = await issue(merchant[0])
    await handle(payment_event(merchant[0], status="refunded", session_id=issued.session_id))
    as_json = await client.get(f"/v1/access/{issued.token}", headers=JSON)
    as_html = await client.get(f"/v1/access/{issued.token}", headers=BROWSER)
    assert (as_json.status_code, as_json.json()["status"], as_json.json()["api_key"]["key"]) == (
        200,
        "revoked",
        None,
    )
    assert as_json.json()["invoice"]["pdf_url"] is None
    assert ("Access revoked." in as_html.text, KEY.findall(as_html.text)) == (True, [])


async def test_invalid_tokens_get_401(
    client: httpx.AsyncClient, services: Services, issue: Any, merchant: Any
) -> None:
    """alg none, a wrong aud, an expired exp, a foreign signature or garbage: 401 JSON."""
    issued = await issue(merchant[0])
    key = await services.keyring.current()
    payload = jwt.decode(issued.token, options={"verify_signature": False})
    past = datetime.now(UTC) - timedelta(days=8)

    def resign(**changes: Any) -> str:
        claims = AccessClaims.from_payload({**payload, **changes})
        return sign_access_token(claims, key)

    tokens = {
        "alg none": jwt.encode(payload, key=None, algorithm="none", headers={"kid": key.kid}),
        "wrong aud": resign(aud="mer_someone_else"),
        "wrong sid": resign(sid="ses_someone_else"),
        "expired": resign(iat=int(past.timestamp()), exp=int(past.timestamp()) + 3600),
        "unknown jti": resign(jti="tok_never_issued"),
        "tampered": issued.token[:-2] + ("AA" if not issued.token.endswith("AA") else "BB"),
        "garbage": "not-a-token",
    }
    answers = {
        name: (r.status_code, r.json())
        for name, r in [
            (name, await client.get(f"/v1/access/{token}", headers=JSON))
            for name, token in tokens.items()
        ]
    }
    denied = (401, {"error": {"code": "invalid_token", "message": "the access token is not valid"}})
    assert answers == dict.fromkeys(tokens, denied)


async def test_a_browser_with_an_invalid_token_gets_an_html_401(client: httpx.AsyncClient) -> None:
    """A person following a bad link sees a page, not JSON."""
    response = await client.get("/v1/access/not-a-token", headers=BROWSER)
    assert (response.status_code, response.headers["content-type"]) == (
        401,
        "text/html; charset=utf-8",
    )
    assert "This link is not valid" in response.text
