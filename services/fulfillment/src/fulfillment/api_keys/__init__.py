"""Customer API keys: generated at issuance, stored as a hash, revealed once, revocable."""

from fulfillment.api_keys.keys import NewApiKey, generate_api_key, mask_api_key
from fulfillment.api_keys.sealing import SealBroken, seal_api_key, unseal_api_key
from fulfillment.api_keys.store import (
    ActiveKey,
    RevokedKey,
    find_active_key,
    reveal_api_key,
    revoke_api_key,
    store_api_key,
)

__all__ = [
    "ActiveKey",
    "NewApiKey",
    "RevokedKey",
    "SealBroken",
    "find_active_key",
    "generate_api_key",
    "mask_api_key",
    "reveal_api_key",
    "revoke_api_key",
    "seal_api_key",
    "store_api_key",
    "unseal_api_key",
]
