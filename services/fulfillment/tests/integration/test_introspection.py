from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.integration

JSON = {"Accept": "application/json"}


async def revealed_key(client: httpx.AsyncClient, token: str) -> str:
    key: str = (await client.get(f"/v1/access/{token}", headers=JSON)).json()["api_key"]["key"]
    return key


async def introspect(client: httpx.AsyncClient, merchant_key: str, key: str) -> httpx.Response:
    return await client.post(
        "/v1/api-keys/introspect",
        json={"key": key},
        headers={"Authorization": f"Bearer {merchant_key}"},
    )


async def test_a_key_is_active_until_the_payment_is_refunded(
    client: httpx.AsyncClient,
    issue: Any,
    merchant: Any,
    handle: Any,
    payment_event: Any,
    outbox: Any,
) -> None:
    """Introspection says active, then inactive after payment.refunded, which emits revoked."""
    issued = await issue(merchant[0])
    key = await revealed_key(client, issued.token)
    before = (await introspect(client, merchant[1], key)).json()
    refund = payment_event(merchant[0], status="refunded", session_id=issued.session_id)
    await handle(refund)
    await handle(refund)
    after = (await introspect(client, merchant[1], key)).json()
    revoked = await outbox("revoked", issued.session_id)
    assert before == {
        "active": True,
        "customer": {"id": "cus_42", "email": "asha@example.com", "name": "Asha Rao"},
        "product": "Pro plan",
        "session_id": issued.session_id,
    }
    assert after == {"active": False}
    assert revoked is not None
    assert (revoked["type"], revoked["subject"], revoked["correlationid"]) == (
        "paywire.fulfillment.revoked",
        issued.session_id,
        refund.id,
    )
    assert {k: v for k, v in revoked["data"].items() if k != "occurred_at"} == {
        "session_id": issued.session_id,
        "merchant_id": merchant[0].id,
        "customer": {"id": "cus_42", "email": "asha@example.com", "name": "Asha Rao"},
        "invoice_id": issued.invoice_id,
        "api_key_id": issued.api_key_id,
        "reason": "refunded",
    }


async def test_a_charge_back_revokes_and_a_partial_refund_does_not(
    client: httpx.AsyncClient, issue: Any, merchant: Any, handle: Any, payment_event: Any
) -> None:
    """payment.charged_back revokes; payment.partially_refunded keeps access."""
    kept, lost = await issue(merchant[0]), await issue(merchant[0])
    keys = [await revealed_key(client, issued.token) for issued in (kept, lost)]
    await handle(
        payment_event(merchant[0], status="partially_refunded", session_id=kept.session_id)
    )
    await handle(payment_event(merchant[0], status="charged_back", session_id=lost.session_id))
    answers = [(await introspect(client, merchant[1], key)).json()["active"] for key in keys]
    assert answers == [True, False]


async def test_unknown_and_foreign_keys_are_inactive(
    client: httpx.AsyncClient, issue: Any, merchant: Any, ledger: Any
) -> None:
    """An unknown, malformed, tampered or other merchant's key is just inactive."""
    issued = await issue(merchant[0])
    key = await revealed_key(client, issued.token)
    _, other_merchant_key = ledger.add_merchant("Globex")
    tampered = key[:-1] + ("a" if key[-1] != "a" else "b")
    answers = [
        (await introspect(client, merchant_key, candidate)).json()
        for merchant_key, candidate in (
            (other_merchant_key, key),
            (merchant[1], tampered),
            (merchant[1], "pwk_01JABCDEFGHJKMNPQRSTVWXYZ0_unknownunknownunknown"),
            (merchant[1], "hello"),
        )
    ]
    assert answers == [{"active": False}] * 4


async def test_introspection_needs_a_valid_merchant_key(client: httpx.AsyncClient) -> None:
    """No key or a key the ledger does not know: 401."""
    missing = await client.post("/v1/api-keys/introspect", json={"key": "x"})
    wrong = await introspect(client, "sk_test_unknown", "x")
    assert [(r.status_code, r.json()["error"]["code"]) for r in (missing, wrong)] == [
        (401, "unauthorized"),
        (401, "unauthorized"),
    ]


async def test_a_bad_body_gets_422(client: httpx.AsyncClient, merchant: Any) -> None:
    """A body without a key is a 422 in paywire's error shape."""
    response = await client.post(
        "/v1/api-keys/introspect", json={}, headers={"Authorization": f"Bearer {merchant[1]}"}
    )
    assert (response.status_code, response.json()["error"]["code"]) == (422, "invalid_request")
