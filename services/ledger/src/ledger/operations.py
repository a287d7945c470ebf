"""Operator entry points the ``paywire`` CLI calls: migrations and merchant creation."""

from __future__ import annotations

from pathlib import Path

from common.db import create_engine, run_migrations
from common.ids import new_id
from sqlalchemy import insert

from ledger import tables
from ledger.api_keys import issue_key

__all__ = ["MIGRATIONS", "create_merchant", "migrate"]

MIGRATIONS = str(Path(__file__).parent / "migrations")


async def migrate(database_url: str) -> None:
    """Create schema ``ledger`` if needed and apply its migrations; safe to run again."""
    await run_migrations(database_url, MIGRATIONS, tables.SCHEMA)


async def create_merchant(database_url: str, name: str) -> dict[str, str]:
    """Create a merchant; the returned ``api_key`` is not stored and never shown again."""
    key = issue_key()
    merchant_id = new_id("mer")
    engine = create_engine(database_url, pool_size=1, max_overflow=0)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                insert(tables.merchants).values(
                    id=merchant_id, name=name, api_key_lookup=key.lookup, api_key_hash=key.hashed
                )
            )
    finally:
        await engine.dispose()
    return {"merchant_id": merchant_id, "api_key": key.plaintext}
