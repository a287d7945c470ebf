"""Reading stream requests and deciding what they may stream."""

from __future__ import annotations

import pytest
from notifier.ws.auth import StreamAuthorizer, StreamRequest
from notifier.ws.errors import CloseCode, CredentialsUnavailable, InvalidToken, StreamRefused
from notifier.ws.scope import StreamScope
from notifier.ws.tokens import AccessClaims

SESSION = "ses_01JABCDEFGHJKMNPQRSTVWXYZ0"
OTHER_SESSION = "ses_01JABCDEFGHJKMNPQRSTVWXYZ1"


class FakeTokens:
    async def verify(self, token: str) -> AccessClaims:
        if token == "good":
            return AccessClaims(SESSION, "mer_1")
        raise InvalidToken(token)


class FakeMerchants:
    def __init__(self, down: bool = False) -> None:
        self.down = down

    async def merchant_for(self, api_key: str) -> str | None:
        if self.down:
            raise CredentialsUnavailable("ledger down")
        return {"key_1": "mer_1", "key_2": "mer_2"}.get(api_key)


class FakeOwners:
    async def owner_of(self, session_id: str) -> str | None:
        return {SESSION: "mer_1"}.get(session_id)


def _authorizer(merchants: FakeMerchants | None = None) -> StreamAuthorizer:
    return StreamAuthorizer(FakeTokens(), merchants or FakeMerchants(), FakeOwners())


def test_a_request_reads_query_and_bearer_key():
    """Session, token, last_event_id and a Bearer key are read from the upgrade request."""
    query = {"session": SESSION, "token": "t", "last_event_id": "42"}

    assert StreamRequest.parse(query, "Bearer key_1") == StreamRequest(SESSION, "t", "key_1", 42)


@pytest.mark.parametrize(
    ("query", "authorization", "refusal"),
    [
        ({"session": "nope"}, None, (CloseCode.BAD_REQUEST, "session is not a session id")),
        (
            {"last_event_id": "-1"},
            None,
            (CloseCode.BAD_REQUEST, "last_event_id is not a stream id"),
        ),
        ({}, "Basic abc", (CloseCode.UNAUTHORIZED, "use Authorization: Bearer <key>")),
    ],
)
def test_a_malformed_request_is_refused(query, authorization, refusal):
    """A malformed session, stream id or Authorization header is refused."""
    with pytest.raises(StreamRefused) as refused:
        StreamRequest.parse(query, authorization)

    assert (refused.value.code, refused.value.reason) == refusal


@pytest.mark.parametrize(
    ("request_", "scope"),
    [
        (StreamRequest(session_id=SESSION, token="good"), StreamScope("mer_1", SESSION)),
        (StreamRequest(api_key="key_1"), StreamScope("mer_1")),
        (StreamRequest(session_id=SESSION, api_key="key_1"), StreamScope("mer_1", SESSION)),
        (
            StreamRequest(session_id=OTHER_SESSION, api_key="key_2"),
            StreamScope("mer_2", OTHER_SESSION),
        ),
    ],
    ids=["token", "merchant-wide", "merchant-own-session", "merchant-unseen-session"],
)
async def test_credentials_grant_a_scope(request_, scope):
    """A token grants its session; a merchant key grants its sessions, all or one."""
    assert await _authorizer().authorize(request_) == scope


@pytest.mark.parametrize(
    ("request_", "refusal"),
    [
        (
            StreamRequest(),
            (CloseCode.UNAUTHORIZED, "an access token or a merchant key is required"),
        ),
        (
            StreamRequest(session_id=SESSION, token="bad"),
            (CloseCode.UNAUTHORIZED, "invalid access token"),
        ),
        (
            StreamRequest(token="good"),
            (CloseCode.BAD_REQUEST, "an access token streams one session"),
        ),
        (
            StreamRequest(session_id=OTHER_SESSION, token="good"),
            (CloseCode.FORBIDDEN, "the token is for another session"),
        ),
        (StreamRequest(api_key="nope"), (CloseCode.UNAUTHORIZED, "invalid merchant key")),
        (
            StreamRequest(session_id=SESSION, api_key="key_2"),
            (CloseCode.NOT_FOUND, "no such session"),
        ),
    ],
    ids=[
        "nothing",
        "bad-token",
        "token-without-session",
        "token-other-session",
        "bad-key",
        "not-owner",
    ],
)
async def test_bad_credentials_are_refused(request_, refusal):
    """Missing or bad credentials, and another merchant's session, are refused."""
    with pytest.raises(StreamRefused) as refused:
        await _authorizer().authorize(request_)

    assert (refused.value.code, refused.value.reason) == refusal


async def test_an_unreachable_ledger_asks_the_client_to_retry():
    """When the ledger cannot be asked, the client is told to try again later."""
    with pytest.raises(StreamRefused) as refused:
        await _authorizer(FakeMerchants(down=True)).authorize(StreamRequest(api_key="key_1"))

    assert refused.value.code == CloseCode.TRY_AGAIN_LATER
