"""Alchemy Notify sample deliveries, signed as Alchemy signs them (``X-Alchemy-Signature``).

``ADDRESS_ACTIVITY`` is a transfer of the session's exact amount, in its currency (ETH or
an accepted token), on Ethereum mainnet, to the session's deposit address: the sample
session's ``provider_payment_id`` when it is one (``0x`` and 40 hex digits), else a new
random address.
"""

from __future__ import annotations

import json
import re
import secrets
from datetime import UTC, datetime
from typing import Any

from common.ids import new_id
from common.money import Money, exponent_of
from common.settings import Settings
from ingress.providers.alchemy import AlchemyProvider
from ingress.providers.alchemy.schemas import NATIVE_ASSETS, TOKENS
from ingress.providers.base import SignedContent

from paywire.samples.base import SampleBuilder, SampleSession, SignedRequest

__all__ = ["ALCHEMY_SAMPLES", "alchemy_signature"]

NETWORK = "ETH_MAINNET"
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")


def alchemy_signature(signing_key: str, body: bytes) -> str:
    """The ``X-Alchemy-Signature`` header value for ``body``."""
    provider = AlchemyProvider([signing_key])
    return provider.sign(provider.signing_key(signing_key), SignedContent(body, ()))


def _transfer(session: SampleSession) -> dict[str, Any]:
    money = Money(session.amount, session.currency)
    contract = next(
        (
            address
            for (network, address), code in TOKENS.items()
            if (network, code) == (NETWORK, money.currency)
        ),
        None,
    )
    if contract is None and money.currency not in NATIVE_ASSETS[NETWORK]:
        raise ValueError(f"{NETWORK} transfers carry no accepted {money.currency}")
    deposit = session.provider_payment_id or ""
    if not _ADDRESS.fullmatch(deposit):
        deposit = "0x" + secrets.token_hex(20)
    return {
        "blockNum": hex(19_000_000 + secrets.randbelow(1_000_000)),
        "hash": "0x" + secrets.token_hex(32),
        "fromAddress": "0x" + secrets.token_hex(20),
        "toAddress": deposit.lower(),
        "erc721TokenId": None,
        "erc1155Metadata": None,
        "asset": money.currency,
        "category": "token" if contract else "external",
        "rawContract": {
            "rawValue": hex(money.minor),
            "address": contract,
            "decimals": exponent_of(money.currency),
        },
    }


def _address_activity(settings: Settings, session: SampleSession) -> SignedRequest:
    if not settings.alchemy.signing_keys:
        raise ValueError("PAYWIRE_ALCHEMY__SIGNING_KEYS is not configured")
    body = json.dumps(
        {
            "webhookId": "wh_paywire_sample",
            "id": new_id("whevt"),
            "createdAt": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "type": "ADDRESS_ACTIVITY",
            "event": {"network": NETWORK, "activity": [_transfer(session)]},
        },
        indent=2,
    ).encode()
    key = settings.alchemy.signing_keys[0].get_secret_value()
    headers = {
        "Content-Type": "application/json",
        "X-Alchemy-Signature": alchemy_signature(key, body),
    }
    return SignedRequest("/webhooks/alchemy", body, headers)


ALCHEMY_SAMPLES: dict[str, SampleBuilder] = {"ADDRESS_ACTIVITY": _address_activity}
