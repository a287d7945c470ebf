from typing import Any

import httpx
import jwt
import pytest
from fulfillment.bootstrap import Services
from fulfillment.operations import rotate_signing_key
from fulfillment.settings import FulfillmentSettings
from fulfillment.tables import signing_keys
from sqlalchemy import select

pytestmark = pytest.mark.integration


async def verify_with_jwks(client: httpx.AsyncClient, token: str, audience: str) -> dict[str, Any]:
    """Verify as a merchant would: with PyJWT against the published JWKS."""
    jwks = jwt.PyJWKSet.from_dict((await client.get("/.well-known/jwks.json")).json())
    key = jwks[jwt.get_unverified_header(token)["kid"]]
    payload: dict[str, Any] = jwt.decode(
        token, key, algorithms=["EdDSA"], audience=audience, issuer="http://fulfillment.test"
    )
    return payload


async def test_the_token_verifies_against_the_jwks(
    client: httpx.AsyncClient, issue: Any, merchant: Any
) -> None:
    """The access token verifies with PyJWT against the JWKS and carries the session's claims."""
    issued = await issue(merchant[0])
    payload = await verify_with_jwks(client, issued.token, merchant[0].id)
    assert payload == {
        "iss": "http://fulfillment.test",
        "aud": merchant[0].id,
        "sub": "cus_42",
        "sid": issued.session_id,
        "product": "Pro plan",
        "jti": payload["jti"],
        "iat": payload["iat"],
        "exp": payload["iat"] + 7 * 24 * 3600,
    }


async def test_a_wrong_audience_or_expired_token_fails_pyjwt(
    client: httpx.AsyncClient, services: Services, issue: Any, merchant: Any
) -> None:
    """PyJWT refuses our token for another merchant, and an expired or unsigned one."""
    issued = await issue(merchant[0])
    key = await services.keyring.current()
    payload = jwt.decode(issued.token, options={"verify_signature": False})
    expired = jwt.encode(
        {**payload, "iat": 1_000_000, "exp": 1_000_060},
        key.private_key,
        algorithm="EdDSA",
        headers={"kid": key.kid},
    )
    unsigned = jwt.encode(payload, None, algorithm="none", headers={"kid": key.kid})
    errors = []
    for token, audience in ((issued.token, "mer_other"), (expired, merchant[0].id)):
        with pytest.raises(jwt.PyJWTError) as caught:
            await verify_with_jwks(client, token, audience)
        errors.append(type(caught.value))
    with pytest.raises(jwt.PyJWTError) as caught:
        await verify_with_jwks(client, unsigned, merchant[0].id)
    errors.append(type(caught.value))
    assert errors == [
        jwt.InvalidAudienceError,
        jwt.ExpiredSignatureError,
        jwt.InvalidAlgorithmError,
    ]


async def test_a_rotation_publishes_current_and_previous_and_old_tokens_still_work(
    client: httpx.AsyncClient,
    services: Services,
    settings: FulfillmentSettings,
    issue: Any,
    merchant: Any,
) -> None:
    """After a rotation the JWKS lists the new and the previous key; older tokens still open."""
    before = await issue(merchant[0])
    old_kid = jwt.get_unverified_header(before.token)["kid"]
    new_kid = await rotate_signing_key(settings)
    after = await issue(merchant[0])
    jwks = (await client.get("/.well-known/jwks.json")).json()
    assert [(k["kid"], k["alg"], k["use"], k["kty"], k["crv"]) for k in jwks["keys"]] == [
        (new_kid, "EdDSA", "sig", "OKP", "Ed25519"),
        (old_kid, "EdDSA", "sig", "OKP", "Ed25519"),
    ]
    assert jwt.get_unverified_header(after.token)["kid"] == new_kid
    verified = [
        (await verify_with_jwks(client, issued.token, merchant[0].id))["sid"]
        for issued in (before, after)
    ]
    pages = [
        (await client.get(f"/v1/access/{t}", headers={"Accept": "application/json"})).status_code
        for t in (before.token, after.token)
    ]
    assert (verified, pages) == ([before.session_id, after.session_id], [200, 200])


async def test_a_key_two_rotations_old_no_longer_verifies(
    client: httpx.AsyncClient, settings: FulfillmentSettings, issue: Any, merchant: Any
) -> None:
    """Only the current and the previous key verify: a token two rotations old gets 401."""
    issued = await issue(merchant[0])
    await rotate_signing_key(settings)
    await rotate_signing_key(settings)
    page = await client.get(f"/v1/access/{issued.token}", headers={"Accept": "application/json"})
    assert page.status_code == 401


async def test_the_signing_key_is_stored_encrypted(services: Services) -> None:
    """The database holds only encrypted private keys."""
    async with services.uow() as session:
        headers = {
            pem.splitlines()[0]
            for pem in (await session.execute(select(signing_keys.c.private_key))).scalars()
        }
    assert headers == {b"-----BEGIN ENCRYPTED PRIVATE KEY-----"}
