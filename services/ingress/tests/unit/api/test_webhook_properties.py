"""Whatever a client sends, the webhook endpoint answers with a contract status."""

from __future__ import annotations

from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

CONTRACT_STATUSES = {200, 400, 401, 404, 413}

providers = st.sampled_from(["stripe", "razorpay", "STRIPE", ""]) | st.text(max_size=20)
signatures = st.none() | st.binary(max_size=300) | st.just(b"t=1700000000,v1=00")
bodies = st.binary(max_size=2048) | st.sampled_from([b"{}", b"[]", b'{"id": "evt_1"}', b"null"])


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(provider=providers, signature=signatures, body=bodies, signed=st.booleans())
async def test_any_request_gets_a_contract_status(
    client_for,
    publisher,
    sign_stripe,
    provider: str,
    signature: bytes | None,
    body: bytes,
    signed: bool,
) -> None:
    """Any path, header and body (signed or not) answers 200, 400, 401, 404 or 413 in JSON."""
    headers: dict[str, str | bytes] = {}
    if signed:
        headers.update(sign_stripe(body))
    elif signature is not None:
        headers["Stripe-Signature"] = signature
    async with client_for(publisher, max_body_bytes=1024) as client:
        response = await client.post(
            f"/webhooks/{quote(provider, safe='')}", content=body, headers=headers
        )
    payload = response.json()
    shape = set(payload) == {"received", "event_id"} or set(payload["error"]) == {"code", "message"}
    assert (response.status_code in CONTRACT_STATUSES, shape) == (True, True)
