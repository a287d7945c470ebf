"""The notifier's alembic history, applied by ``paywire migrate``."""

from __future__ import annotations

from pathlib import Path

from common.db import run_migrations

from notifier.tables import SCHEMA

__all__ = ["SCRIPT_LOCATION", "migrate"]

SCRIPT_LOCATION = str(Path(__file__).parent)


async def migrate(database_url: str) -> None:
    """Create the ``notifier`` schema if needed and upgrade it to the latest revision."""
    await run_migrations(database_url, SCRIPT_LOCATION, SCHEMA)
