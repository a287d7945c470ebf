"""Running one service's alembic history against a database, and the shared DDL helpers."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

__all__ = ["run_migrations", "run_sync_migrations"]


async def run_migrations(database_url: str, script_location: str, schema: str) -> None:
    """Create ``schema`` if needed and upgrade every head; the version table lives in it.

    Several heads are allowed so that independent changes can each branch from the
    same revision; ``alembic merge`` joins them when convenient.
    """
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
            await conn.run_sync(run_sync_migrations, script_location, schema)
    finally:
        await engine.dispose()


def run_sync_migrations(connection: Connection, script_location: str, schema: str) -> None:
    """Upgrade to head on an open connection (alembic's API is synchronous)."""
    config = Config()
    config.set_main_option("script_location", script_location)
    config.attributes["connection"] = connection
    config.attributes["schema"] = schema
    command.upgrade(config, "heads")
