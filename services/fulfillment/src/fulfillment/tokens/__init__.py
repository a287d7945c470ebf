"""Access tokens: Ed25519-signed JWTs, keys kept and rotated in the database."""

from fulfillment.tokens.claims import TOKEN_LIFETIME, AccessClaims, access_claims
from fulfillment.tokens.codec import InvalidAccessToken, decode_access_token, sign_access_token
from fulfillment.tokens.keyring import SigningKeyRing
from fulfillment.tokens.keys import SigningKey
from fulfillment.tokens.store import Grant, deny_access_token, load_grant, record_access_token

__all__ = [
    "TOKEN_LIFETIME",
    "AccessClaims",
    "Grant",
    "InvalidAccessToken",
    "SigningKey",
    "SigningKeyRing",
    "access_claims",
    "decode_access_token",
    "deny_access_token",
    "load_grant",
    "record_access_token",
    "sign_access_token",
]
