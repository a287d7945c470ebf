"""Whatever an app sends to the Pi routes, the answer is a contract status in JSON, never 500."""

from __future__ import annotations

import json
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import PI, PI_MINOR, PiClient, World

STATUSES = {200, 404, 405, 409, 413, 422, 502, 503}
ACTIONS = ("approve", "complete", "incomplete", "", "cancel")

texts = st.text(max_size=40)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=120, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
async def test_any_request_gets_a_contract_status(
    world: World, pi_client: PiClient, publisher, data: st.DataObject
) -> None:
    """Any payment id, action and body answers 200, 404, 405, 409, 413, 422, 502 or 503."""
    session_id = world.ledger.add(PI_MINOR)
    payment_id = world.pi.create_payment(PI, session_id)
    if data.draw(st.booleans(), label="on chain"):
        world.pi.approve_directly(payment_id)
        world.pi.submit_transaction(payment_id, verified=data.draw(st.booleans(), label="verified"))
    target = data.draw(st.sampled_from([payment_id, "NoSuchPayment"]) | texts, label="payment id")
    action = data.draw(st.sampled_from(ACTIONS), label="action")
    path = (
        "/pi/payments/incomplete"
        if action == "incomplete"
        else f"/pi/payments/{quote(target, safe='')}/{action}"
    )
    txid = world.pi.payments[payment_id]["transaction"]
    known = {"txid": txid["txid"] if txid else "0" * 64, "identifier": payment_id}
    body = data.draw(
        st.binary(max_size=300)
        | json_values.map(lambda value: json.dumps(value).encode())
        | st.dictionaries(
            st.sampled_from(["txid", "identifier"]), st.sampled_from(list(known.values())) | texts
        ).map(lambda d: json.dumps(d).encode())
        | st.just(json.dumps(known).encode()),
        label="body",
    )
    async with pi_client(publisher) as client:
        response = await client.post(path, content=body)
    payload = response.json()
    shape = set(payload) == {"payment_id", "session_id", "status", "event_id"} or set(
        payload["error"]
    ) == {"code", "message"}
    assert (response.status_code in STATUSES, shape) == (True, True)
