"""Whatever reaches a webhook, ingress answers 200, 400, 401, 404 or 413, never a 500.

Written once for the whole registry: every entry of ``PROVIDERS`` is configured (each
secret-like setting filled in) and fuzzed, so a provider added later is fuzzed without a
line here.

- Over HTTP, through the real app with an in-memory publisher: arbitrary paths, and per
  provider arbitrary headers (its own header names among them) and bodies.
- Over HTTP with valid signatures, for the providers ``SIGNERS`` knows how to sign:
  recorded fixtures with one value replaced, and arbitrary bytes. These are verified, so
  they reach the parser and the publisher.
- Directly through ``Provider.read_event``, for every provider: the same mutated fixtures
  and arbitrary JSON. Normalizing returns an event that can be published, or raises
  ``PayloadError``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args
from urllib.parse import quote

import httpx
import pytest
from common.settings import Settings
from fastapi import FastAPI
from hypothesis import given, settings
from hypothesis import strategies as st
from ingress.app import create_app
from ingress.envelope import to_cloud_event
from ingress.providers import (
    PROVIDERS,
    PayloadError,
    Provider,
    WebhookRequest,
    configured_providers,
)
from pydantic import BaseModel, SecretStr

from .conftest import InMemoryPublisher

FIXTURES = Path(__file__).parents[1] / "fixtures"
CONTRACT_STATUSES = {200, 400, 401, 404, 413}
MAX_BODY_BYTES = 8192
SECRET = "whsec_" + base64.b64encode(b"one secret to fuzz every provider").decode()
"""Valid as a UTF-8 key and, after its prefix, as base64 (Standard Webhooks)."""

NAMES = sorted(PROVIDERS)
FUZZ = settings(max_examples=60, deadline=None)


def _leaf_types(annotation: Any) -> set[Any]:
    args = get_args(annotation)
    if not args:
        return {annotation}
    return set().union(*(_leaf_types(arg) for arg in args))


def _filled(model: BaseModel) -> BaseModel:
    """``model`` with each empty secret, secret list or map, and account name filled in."""
    updates: dict[str, Any] = {}
    for name, field in type(model).model_fields.items():
        value, leaves = getattr(model, name), _leaf_types(field.annotation)
        if value == [] and SecretStr in leaves:
            updates[name] = [SecretStr(SECRET)]
        elif value == {} and SecretStr in leaves:
            updates[name] = {1: SecretStr(SECRET)}
        elif value is None and SecretStr in leaves:
            updates[name] = SecretStr(SECRET)
        elif value is None and str in leaves:
            updates[name] = "fuzz"
    return model.model_copy(update=updates)


def every_provider_configured() -> Settings:
    """Settings in which every provider and every generic HMAC source has a secret."""
    base = Settings(_env_file=None)
    updates: dict[str, Any] = {
        "hmac_sources": {
            name: source.model_copy(update={"secrets": [SecretStr(SECRET)]})
            for name, source in base.hmac_sources.items()
        },
        "max_body_bytes": MAX_BODY_BYTES,
    }
    for name in type(base).model_fields:
        value = getattr(base, name)
        if isinstance(value, BaseModel) and name not in updates:
            updates[name] = _filled(value)
    return base.model_copy(update=updates)


SETTINGS = every_provider_configured()
SERVED = configured_providers(SETTINGS)


def _hex(message: bytes) -> str:
    return hmac.new(SECRET.encode(), message, hashlib.sha256).hexdigest()


def _now() -> str:
    return str(int(time.time()))


def _stripe(body: bytes) -> dict[str, str]:
    t = _now()
    return {"Stripe-Signature": f"t={t},v1={_hex(f'{t}.'.encode() + body)}"}


def _standard(body: bytes) -> dict[str, str]:
    t, key = _now(), base64.b64decode(SECRET.removeprefix("whsec_"))
    mac = hmac.new(key, f"msg_fuzz.{t}.".encode() + body, hashlib.sha256).digest()
    signature = "v1," + base64.b64encode(mac).decode()
    return {"webhook-id": "msg_fuzz", "webhook-timestamp": t, "webhook-signature": signature}


def _onecom(body: bytes) -> dict[str, str]:
    t = _now()
    return {"X-Onecom-Timestamp": t, "X-Onecom-Signature": _hex(f"{t}.".encode() + body)}


SIGNERS: dict[str, Callable[[bytes], dict[str, str]]] = {
    "stripe": _stripe,
    "razorpay": lambda body: {"X-Razorpay-Signature": _hex(body)},
    "coinbase": lambda body: {"X-CC-Webhook-Signature": _hex(body)},
    "alchemy": lambda body: {"X-Alchemy-Signature": _hex(body)},
    "standard": _standard,
    "upi": lambda body: {"X-UPI-Signature": _hex(body)},
    "onecom": _onecom,
}
"""How each provider's sender signs a body with ``SECRET``: written apart from the code
under test, so a signed request that is refused shows a fault in one or the other."""

KNOWN_HEADERS = sorted(
    {
        "Content-Type",
        "Stripe-Signature",
        "X-Razorpay-Signature",
        "X-Razorpay-Event-Id",
        "X-CC-Webhook-Signature",
        "X-Alchemy-Signature",
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
        "svix-id",
        "svix-timestamp",
        "svix-signature",
        "X-UPI-Signature",
        "X-Onecom-Signature",
        "X-Onecom-Timestamp",
        "X-VERIFY",
        "Authorization",
        *(name for cls in PROVIDERS.values() for name in cls.signature_headers),
        *(name for cls in PROVIDERS.values() for name in cls.event_id_headers),
    }
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
    | st.sampled_from(["USD", "INR", "ETH", "USDC", "0x1", "49.00", "-1", "ses_1"]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
header_values = (
    st.binary(max_size=200)
    | st.from_regex(r"[0-9a-f]{64}", fullmatch=True).map(str.encode)
    | st.from_regex(r"t=[0-9]{1,12},v1=[0-9a-f]{0,64}", fullmatch=True).map(str.encode)
    | st.from_regex(r"(v1,[A-Za-z0-9+/=]{0,44} ?){1,3}", fullmatch=True).map(str.encode)
    | st.integers(0, 10**12).map(lambda n: str(n).encode())
)
header_names = st.sampled_from(KNOWN_HEADERS) | st.from_regex(r"[A-Za-z0-9-]{1,20}", fullmatch=True)


def fixtures_of(name: str) -> list[bytes]:
    """The provider's recorded payloads (none for a provider without a fixture folder)."""
    paths = sorted((FIXTURES / name).rglob("*"))
    return [path.read_bytes() for path in paths if path.is_file()]


@st.composite
def mutated(draw: st.DrawFn, recorded: list[bytes]) -> bytes:
    """A recorded payload with one value replaced or removed, or its bytes altered."""
    original = draw(st.sampled_from(recorded))
    try:
        payload = json.loads(original)
    except ValueError:
        at = draw(st.integers(0, len(original)))
        return original[:at] + draw(st.binary(max_size=8)) + original[at + 1 :]
    paths = list(_paths(payload))
    if not paths:
        return original
    parent, key = draw(st.sampled_from(paths))
    if isinstance(parent, dict) and draw(st.booleans()):
        del parent[key]
    else:
        parent[key] = draw(json_values)
    return json.dumps(payload).encode()


def _paths(node: Any) -> Any:
    if isinstance(node, dict):
        items: Any = node.items()
    elif isinstance(node, list):
        items = enumerate(node)
    else:
        return
    for key, child in items:
        yield node, key
        yield from _paths(child)


def bodies(name: str) -> st.SearchStrategy[bytes]:
    """Bodies for ``name``: mutated fixtures, arbitrary JSON, arbitrary and oversized bytes."""
    strategies = [
        json_values.map(lambda value: json.dumps(value).encode()),
        st.binary(max_size=512),
        st.binary(min_size=MAX_BODY_BYTES + 1, max_size=MAX_BODY_BYTES + 64),
    ]
    recorded = fixtures_of(name)
    if recorded:
        strategies.insert(0, mutated(recorded))
    return st.one_of(strategies)


@pytest.fixture(scope="module")
def app() -> tuple[FastAPI, InMemoryPublisher]:
    """One app serving every provider, and the publisher it publishes to."""
    publisher = InMemoryPublisher()
    return create_app(SETTINGS, publisher), publisher


async def post(app: FastAPI, path: str, body: bytes, headers: Any) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://ingress.test") as client:
        return await client.post(path, content=body, headers=headers)


def answer(response: httpx.Response) -> tuple[int, bool]:
    """The status, and whether the body has the shape the contract gives it."""
    payload = response.json()
    shaped = set(payload) == {"received", "event_id"} or set(payload["error"]) == {
        "code",
        "message",
    }
    return response.status_code, shaped


def test_every_registered_provider_is_configured_for_fuzzing() -> None:
    """Each registry entry is served by the fuzzed app, none left out."""
    assert sorted(SERVED) == NAMES


@FUZZ
@given(path=st.text(max_size=30), body=st.binary(max_size=256))
async def test_any_path_gets_a_contract_status(
    app: tuple[FastAPI, InMemoryPublisher], path: str, body: bytes
) -> None:
    """An arbitrary provider name answers with a contract status, in the error shape."""
    response = await post(app[0], f"/webhooks/{quote(path, safe='')}", body, {})
    status, shaped = answer(response)
    assert (status in CONTRACT_STATUSES, shaped) == (True, True)


@pytest.mark.parametrize("name", NAMES)
@FUZZ
@given(data=st.data())
async def test_any_request_to_a_provider_gets_a_contract_status(
    app: tuple[FastAPI, InMemoryPublisher], name: str, data: st.DataObject
) -> None:
    """Arbitrary headers and bodies answer with a contract status, in the contract shape."""
    headers = data.draw(st.lists(st.tuples(header_names, header_values), max_size=6))
    body = data.draw(bodies(name))
    response = await post(app[0], f"/webhooks/{name}", body, headers)
    status, shaped = answer(response)
    assert (status in CONTRACT_STATUSES, shaped) == (True, True)


@pytest.mark.parametrize("name", sorted(set(SIGNERS) & set(NAMES)))
@FUZZ
@given(data=st.data())
async def test_signed_request_is_published_or_refused_as_a_bad_payload(
    app: tuple[FastAPI, InMemoryPublisher], name: str, data: st.DataObject
) -> None:
    """A correctly signed body is accepted (200), or refused as unusable (400) or too big."""
    body = data.draw(bodies(name))
    response = await post(app[0], f"/webhooks/{name}", body, SIGNERS[name](body))
    status, shaped = answer(response)
    assert (status in {200, 400, 413}, shaped) == (True, True)


@pytest.mark.parametrize("name", NAMES)
@FUZZ
@given(data=st.data())
def test_any_verified_body_normalizes_or_is_a_payload_error(name: str, data: st.DataObject) -> None:
    """read_event returns a publishable event or raises PayloadError, nothing else."""
    provider: Provider = SERVED[name]
    headers = data.draw(
        st.dictionaries(header_names.map(str.lower), st.text(max_size=40), max_size=4)
    )
    body = data.draw(bodies(name).filter(lambda body: len(body) <= MAX_BODY_BYTES))
    try:
        event = provider.read_event(WebhookRequest(body, headers))
    except PayloadError:
        return
    cloud_event = to_cloud_event(event, "req_fuzz")
    assert (event.provider, cloud_event.data["provider"], event.routing_key) == (
        name,
        name,
        f"provider.{name}.{event.kind.value}",
    )
