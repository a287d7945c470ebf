"""Who may open ``/v1/stream``: refusals close the WebSocket with a policy code."""

from __future__ import annotations

import base64
import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
from common.ids import new_session_id
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

pytestmark = pytest.mark.integration


def _unsigned_token(kid: str, session_id: str, merchant_id: str) -> str:
    def part(value: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    expires = int((datetime.now(UTC) + timedelta(days=1)).timestamp())
    claims = {"sid": session_id, "aud": merchant_id, "exp": expires}
    return f"{part({'alg': 'none', 'kid': kid, 'typ': 'JWT'})}.{part(claims)}."


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("garbage", (4401, "invalid access token")),
        ("alg_none", (4401, "invalid access token")),
        ("wrong_signature", (4401, "invalid access token")),
        ("expired", (4401, "invalid access token")),
        ("other_session", (4403, "the token is for another session")),
    ],
)
async def test_bad_access_tokens_are_refused(
    start_notifier, smtp, upstreams, streams, case, expected
):
    """A malformed, unsigned, badly signed, expired or other session's token is refused."""
    url = await start_notifier(smtp_port=smtp.port)
    merchant_id, _ = upstreams.add_merchant()
    session_id = new_session_id()
    token = {
        "garbage": lambda: "not-a-token",
        "alg_none": lambda: _unsigned_token(upstreams.kid, session_id, merchant_id),
        "wrong_signature": lambda: upstreams.token(
            session_id, merchant_id, key=Ed25519PrivateKey.generate()
        ),
        "expired": lambda: upstreams.token(
            session_id, merchant_id, expires_in=timedelta(seconds=-5)
        ),
        "other_session": lambda: upstreams.token(new_session_id(), merchant_id),
    }[case]()

    async with streams.open(url, session=session_id, token=token) as ws:
        assert await streams.close_code(ws) == expected


@pytest.mark.parametrize(
    ("credentials", "expected"),
    [
        ({}, (4401, "an access token or a merchant key is required")),
        ({"api_key": "pwk_unknown_key_123"}, (4401, "invalid merchant key")),
        ({"token": "x"}, (4400, "an access token streams one session")),
        ({"session": "not-a-session"}, (4400, "session is not a session id")),
    ],
)
async def test_missing_or_unknown_credentials_are_refused(
    start_notifier, smtp, streams, credentials, expected
):
    """No credentials, an unknown merchant key or a malformed request is refused."""
    url = await start_notifier(smtp_port=smtp.port)

    async with streams.open(url, **credentials) as ws:
        assert await streams.close_code(ws) == expected


async def test_another_merchants_session_is_not_found(
    start_notifier, smtp, upstreams, events, streams, stream_id, wait_until
):
    """A merchant key asking for another merchant's session is refused as not found."""
    url = await start_notifier(smtp_port=smtp.port)
    owner, _ = upstreams.add_merchant()
    _, intruder_key = upstreams.add_merchant()
    session_id = new_session_id()
    paid = events.payment(session_id, owner, "paid")
    await events.publish(paid)
    await wait_until(lambda: stream_id(paid.id), "recorded")

    async with streams.open(url, api_key=intruder_key, session=session_id) as ws:
        assert await streams.close_code(ws) == (4404, "no such session")


async def test_access_tokens_never_reach_the_logs(start_notifier, smtp, upstreams, streams, caplog):
    """The handshake log line shows the stream path with the token masked."""
    caplog.set_level(logging.INFO, logger="uvicorn.error")
    url = await start_notifier(smtp_port=smtp.port)
    merchant_id, _ = upstreams.add_merchant()
    session_id = new_session_id()
    token = upstreams.token(session_id, merchant_id)

    async with streams.open(url, session=session_id, token=token) as ws:
        await streams.assert_silent(ws, 0.2)

    handshakes = [
        r.getMessage() for r in caplog.records if "WebSocket /v1/stream" in r.getMessage()
    ]
    assert [line.split(" - ", 1)[1] for line in handshakes] == [
        f'"WebSocket /v1/stream?session={session_id}&token=[redacted]" [accepted]'
    ]
    assert token not in caplog.text
