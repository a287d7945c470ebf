"""Operator entry points for the ``paywire`` CLI: migrations and signing-key rotation."""

from __future__ import annotations

from pathlib import Path

from common.db import create_engine, run_migrations

from fulfillment.settings import FulfillmentSettings
from fulfillment.tables import SCHEMA
from fulfillment.tokens import SigningKeyRing

__all__ = ["SCRIPT_LOCATION", "migrate", "rotate_signing_key"]

SCRIPT_LOCATION = str(Path(__file__).parent / "migrations")
"""fulfillment's alembic script directory, inside the package."""


async def migrate(database_url: str) -> None:
    """Create the ``fulfillment`` schema if needed and upgrade it to head (safe to repeat)."""
    await run_migrations(database_url, SCRIPT_LOCATION, SCHEMA)


async def rotate_signing_key(settings: FulfillmentSettings) -> str:
    """Make a new key sign access tokens from now on; returns its ``kid``.

    The previous key stays in the JWKS, so tokens it signed keep verifying until they
    expire; rotate at most once per token lifetime (7 days).
    """
    engine = create_engine(settings.database_url, pool_size=1, max_overflow=0)
    try:
        key = await SigningKeyRing(engine, settings.signing_key_passphrase).rotate()
    finally:
        await engine.dispose()
    return key.kid
