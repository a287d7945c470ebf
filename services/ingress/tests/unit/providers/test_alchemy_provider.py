"""Alchemy Notify: its signature scheme against the shared vector, and transfers to
deposit addresses normalized with exact amounts."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from common.events import ProviderEvent, RawBody, VerifiedBy
from common.events import ProviderEventKind as Kind
from ingress.providers import PayloadError, SignatureError, SignatureFailure, WebhookRequest
from ingress.providers.alchemy import AlchemyProvider, deposit_address_id

from .contract import FIXTURES, ProviderContract
from .vectors import vector, vector_body

DEPOSIT = "address:ETH_MAINNET:0xbe3f4b43db5eb49d1f48f53443b9abce45da3b79"
ETH_DEPOSIT = "address:ETH_MAINNET:0x5e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f"


def alchemy_signature(body: bytes, key: str) -> str:
    return hmac.new(key.encode(), body, hashlib.sha256).hexdigest()


class TestAlchemyContract(ProviderContract):
    provider_class = AlchemyProvider
    secrets = ("whsec_alchemy_first_0123456789", "whsec_alchemy_second_0123456789")
    fixture_kinds = {"ADDRESS_ACTIVITY": Kind.PAYMENT_SUCCEEDED, "NFT_ACTIVITY": Kind.IGNORED}

    def sign(self, body: bytes, secret: str, timestamp: int) -> WebhookRequest:
        return WebhookRequest(body, {"x-alchemy-signature": alchemy_signature(body, secret)})


def vector_request(header: str | None = None) -> WebhookRequest:
    entry = vector("alchemy")
    signature = entry["header"] if header is None else header
    return WebhookRequest(vector_body(entry), {"x-alchemy-signature": signature})


def test_shared_vector_verifies_and_its_empty_activity_is_ignored() -> None:
    """The vector verifies; a delivery without activity is ignored under its delivery id."""
    provider = AlchemyProvider([vector("alchemy")["signing_key"]])
    index = provider.verify(vector_request())
    event = provider.read_event(vector_request())
    assert (index, event.provider_event_id, event.kind) == (0, "whevt_test", Kind.IGNORED)


GOOD = vector("alchemy")["header"]


@pytest.mark.parametrize(
    ("header", "failure"),
    [
        ("", SignatureFailure.MISSING),
        ("0x" + GOOD, SignatureFailure.MISMATCH),
        ("v1=" + GOOD, SignatureFailure.MISMATCH),
        ("\ud83d", SignatureFailure.MALFORMED),
    ],
)
def test_malformed_header_is_refused(header: str, failure: SignatureFailure) -> None:
    """A missing, prefixed or undecodable signature is refused."""
    with pytest.raises(SignatureError) as refused:
        AlchemyProvider([vector("alchemy")["signing_key"]]).verify(vector_request(header))
    assert refused.value.failure is failure


def fixture(name: str) -> bytes:
    return (FIXTURES / "alchemy" / f"{name}.json").read_bytes()


def read(body: bytes) -> ProviderEvent:
    return AlchemyProvider(["unused"]).read_event(WebhookRequest(body, {}))


CREATED = {
    "whevt_vq499kv7elmlbp2v": datetime(2024, 1, 23, 7, 42, 26, 411977, UTC),
    "whevt_ogrc5v64myey69ux": datetime(2022, 2, 28, 17, 48, 53, 306000, UTC),
}


def event_of(body: bytes, kind: Kind, **fields: object) -> ProviderEvent:
    payload = json.loads(body)
    return ProviderEvent.model_validate(
        {
            "provider": "alchemy",
            "provider_event_id": payload["id"],
            "provider_event_type": payload["type"],
            "kind": kind,
            "verified_by": VerifiedBy.SIGNATURE,
            "occurred_at": CREATED[payload["id"]],
            "raw": RawBody(content_type="application/json", text=body.decode()),
            **fields,
        }
    )


def test_token_transfer_is_a_payment_to_its_deposit_address() -> None:
    """The first USDC transfer is a payment of its exact raw value to the address it paid."""
    body = fixture("ADDRESS_ACTIVITY")
    assert read(body) == event_of(
        body,
        Kind.PAYMENT_SUCCEEDED,
        provider_payment_ids=(DEPOSIT,),
        amount=293_092_129,
        currency="USDC",
    )


def test_nft_activity_is_ignored() -> None:
    """An NFT_ACTIVITY delivery is ignored."""
    body = fixture("NFT_ACTIVITY")
    assert read(body) == event_of(body, Kind.IGNORED)


def activities(*changes: dict[str, Any], network: str = "ETH_MAINNET") -> bytes:
    """ADDRESS_ACTIVITY with its first (USDC) activity changed, and its second (ETH) kept."""
    payload = json.loads(fixture("ADDRESS_ACTIVITY"))
    usdc, eth = payload["event"]["activity"]
    payload["event"]["network"] = network
    payload["event"]["activity"] = [_merged(usdc, change) for change in changes] + [eth]
    return json.dumps(payload).encode()


def _merged(activity: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    merged = {**activity, **change}
    if "rawContract" in change:
        merged["rawContract"] = {**activity["rawContract"], **change["rawContract"]}
    return merged


ETH_PAYMENT = {"provider_payment_ids": (ETH_DEPOSIT,), "amount": 22_500_000_000_000_000}
SKIPPED = {
    "a token contract paywire does not list": {"rawContract": {"address": "0x" + "1" * 40}},
    "a token named USDC at another contract": {
        "asset": "USDC",
        "rawContract": {"address": "0x" + "2" * 40},
    },
    "a transfer removed by a reorganization": {"log": {"removed": True}},
    "an ERC-721 transfer in the token category": {"erc721TokenId": "0x1"},
    "an ERC-1155 transfer": {"category": "erc1155", "erc1155Metadata": [{"value": "0x1"}]},
    "a zero-value transfer": {"rawContract": {"rawValue": "0x0"}},
    "a transfer without a raw value": {"rawContract": {"rawValue": None}},
    "a transfer without decimals": {"rawContract": {"decimals": None}},
    "a transfer without a recipient": {"toAddress": None},
}


@pytest.mark.parametrize("change", SKIPPED.values(), ids=list(SKIPPED))
def test_unaccepted_activity_is_skipped_for_the_next(change: dict[str, Any]) -> None:
    """An activity paywire does not accept is passed over; the next accepted one is used."""
    body = activities(change)
    assert read(body) == event_of(body, Kind.PAYMENT_SUCCEEDED, currency="ETH", **ETH_PAYMENT)


def test_only_unaccepted_activity_is_ignored() -> None:
    """A delivery whose activities are all unaccepted is ignored."""
    payload = json.loads(fixture("ADDRESS_ACTIVITY"))
    payload["event"]["activity"] = [payload["event"]["activity"][0] | {"erc721TokenId": "0x7"}]
    body = json.dumps(payload).encode()
    assert read(body) == event_of(body, Kind.IGNORED)


@pytest.mark.parametrize(
    ("network", "asset", "accepted"),
    [
        ("ETH_MAINNET", "ETH", True),
        ("BASE_MAINNET", "ETH", True),
        ("MATIC_MAINNET", "POL", True),
        ("MATIC_MAINNET", "ETH", False),
        ("SOME_NEW_CHAIN", "ETH", False),
    ],
)
def test_native_coin_is_accepted_on_its_own_network(
    network: str, asset: str, accepted: bool
) -> None:
    """A native transfer counts only where the asset is that network's coin."""
    payload = json.loads(fixture("ADDRESS_ACTIVITY"))
    eth = payload["event"]["activity"][1]
    payload["event"] = {"network": network, "activity": [eth | {"asset": asset}]}
    event = read(json.dumps(payload).encode())
    address = deposit_address_id(network, eth["toAddress"])
    assert (event.kind, event.provider_payment_ids, event.currency) == (
        (Kind.PAYMENT_SUCCEEDED, (address,), asset) if accepted else (Kind.IGNORED, (), None)
    )


def test_deposit_address_id_is_lower_cased() -> None:
    """The matching id keeps the network's name and lower-cases the address."""
    address = deposit_address_id("BASE_MAINNET", "0xBE3F4B43DB5EB49D1F48F53443B9ABCE45DA3B79")
    assert address == "address:BASE_MAINNET:0xbe3f4b43db5eb49d1f48f53443b9abce45da3b79"


UNUSABLE = {
    "not json": b"[",
    "no createdAt": b'{"id": "whevt_1", "type": "ADDRESS_ACTIVITY", "event": {}}',
    "activity not a list": b'{"id": "w", "createdAt": "2024-01-23T07:42:26Z",'
    b' "type": "ADDRESS_ACTIVITY", "event": {"network": "ETH_MAINNET", "activity": {}}}',
    "malformed recipient": activities({"toAddress": "0x123"}),
    "oversized raw value": activities({"rawContract": {"rawValue": "0x" + "f" * 65}}),
    "raw value not hex": activities({"rawContract": {"rawValue": "0xzz"}}),
    "decimals as text": activities({"rawContract": {"decimals": "6"}}),
    "decimals off the asset's": activities({"rawContract": {"decimals": 7, "rawValue": "0x1"}}),
}


@pytest.mark.parametrize("case", UNUSABLE)
def test_unusable_payload_raises_payload_error(case: str) -> None:
    """A verified body that is not an Alchemy delivery of the documented shape is a PayloadError."""
    with pytest.raises(PayloadError):
        read(UNUSABLE[case])
