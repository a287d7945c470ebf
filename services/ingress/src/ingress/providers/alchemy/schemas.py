"""Alchemy Notify's webhook payload models and the assets paywire accepts.

A delivery is ``{"webhookId", "id", "createdAt", "type", "event"}``; an
``ADDRESS_ACTIVITY`` event is ``{"network", "activity": [...]}``, one entry per transfer
from or to a watched address. Exact amounts are ``rawContract.rawValue`` (hex, at most
uint256) with ``rawContract.decimals``; the float ``value`` is never read.

A token's ``asset`` is whatever symbol its contract declares, so anyone can deploy a token
called ``USDC``: tokens are accepted only by contract address (``TOKENS``) and named by
paywire, and native coins only on the networks listed in ``NATIVE_ASSETS``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictInt
from pydantic.alias_generators import to_camel

__all__ = [
    "FUNGIBLE_CATEGORIES",
    "NATIVE_ASSETS",
    "TOKENS",
    "Activity",
    "ActivityLog",
    "AddressActivity",
    "AlchemyWebhook",
    "AlchemyWebhookType",
    "RawContract",
]


class AlchemyWebhookType(StrEnum):
    """The Alchemy webhook types paywire acts on; every other type is ignored."""

    ADDRESS_ACTIVITY = "ADDRESS_ACTIVITY"


FUNGIBLE_CATEGORIES = frozenset({"external", "internal", "token"})
"""Activity categories that can move coins or fungible tokens (``token`` also covers NFTs)."""

NATIVE_ASSETS: dict[str, frozenset[str]] = {
    "ETH_MAINNET": frozenset({"ETH"}),
    "ETH_SEPOLIA": frozenset({"ETH"}),
    "BASE_MAINNET": frozenset({"ETH"}),
    "BASE_SEPOLIA": frozenset({"ETH"}),
    "ARB_MAINNET": frozenset({"ETH"}),
    "ARB_SEPOLIA": frozenset({"ETH"}),
    "OPT_MAINNET": frozenset({"ETH"}),
    "OPT_SEPOLIA": frozenset({"ETH"}),
    "MATIC_MAINNET": frozenset({"MATIC", "POL"}),
    "MATIC_AMOY": frozenset({"MATIC", "POL"}),
}
"""Per network, the native coin's names as Alchemy reports them in ``asset``."""

TOKENS: dict[tuple[str, str], str] = {
    ("ETH_MAINNET", "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48"): "USDC",
    ("ETH_MAINNET", "0xdac17f958d2ee523a2206206994597c13d831ec7"): "USDT",
    ("ETH_MAINNET", "0x6b175474e89094c44da98b954eedeac495271d0f"): "DAI",
    ("ETH_SEPOLIA", "0x1c7d4b196cb0c7b01d743fbc6116a902379c7238"): "USDC",
    ("BASE_MAINNET", "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913"): "USDC",
    ("ARB_MAINNET", "0xaf88d065e77c8cc2239327c5edb3a432268e5831"): "USDC",
    ("OPT_MAINNET", "0x0b2c639c533813f4aa9d7837caf62653d097ff85"): "USDC",
    ("MATIC_MAINNET", "0x3c499c542cef5e3811e1192ce70d8cc03d5c3359"): "USDC",
    ("MATIC_MAINNET", "0xc2132d05d31c914a87c6611c10748aeb04b58e8f"): "USDT",
}
"""Accepted tokens: (network, lower-cased contract address) to paywire's currency code."""

Address = Annotated[str, Field(pattern=r"^0x[0-9a-fA-F]{40}$")]


class AlchemyModel(BaseModel):
    """Immutable, camelCase on the wire, tolerant of fields paywire does not read."""

    model_config = ConfigDict(
        frozen=True, extra="ignore", alias_generator=to_camel, populate_by_name=True
    )


class AlchemyWebhook(AlchemyModel):
    """A delivery; ``id`` identifies it across Alchemy's retries."""

    id: str = Field(min_length=1)
    created_at: AwareDatetime
    type: str
    event: dict[str, Any]


class RawContract(AlchemyModel):
    """The transfer's exact value and, for a token, its contract."""

    raw_value: str | None = Field(default=None, max_length=66)
    address: str | None = None
    decimals: Annotated[StrictInt, Field(ge=0, le=77)] | None = None


class ActivityLog(AlchemyModel):
    """The token transfer's log; ``removed`` when a reorganization dropped its block."""

    removed: bool = False


class Activity(AlchemyModel):
    """One transfer from or to a watched address."""

    category: str
    to_address: Address | None = None
    asset: str | None = None
    erc721_token_id: str | None = None
    erc1155_metadata: list[Any] | None = None
    raw_contract: RawContract | None = None
    log: ActivityLog | None = None


class AddressActivity(AlchemyModel):
    """The ``event`` of an ``ADDRESS_ACTIVITY`` delivery."""

    network: str
    activity: list[Activity]
