"""Creating the database and applying every service's migrations, in dependency order."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg
from sqlalchemy.engine import make_url

__all__ = ["MIGRATIONS", "ensure_database", "migrate_all"]

Progress = Callable[[str], object]


def _ledger(url: str) -> Awaitable[None]:
    from ledger.operations import migrate

    return migrate(url)


def _fulfillment(url: str) -> Awaitable[None]:
    from fulfillment.operations import migrate

    return migrate(url)


def _notifier(url: str) -> Awaitable[None]:
    from notifier.migrations import migrate

    return migrate(url)


MIGRATIONS: dict[str, Callable[[str], Awaitable[None]]] = {
    "ledger": _ledger,
    "fulfillment": _fulfillment,
    "notifier": _notifier,
}
"""Each schema-owning service's migration entry point (ingress owns nothing persistent)."""


async def ensure_database(database_url: str) -> bool:
    """Create the database named in ``database_url`` if it is missing; True if created."""
    url = make_url(database_url)
    name = url.database
    if not name:
        raise ValueError("PAYWIRE_DATABASE_URL names no database")
    admin = url.set(drivername="postgresql", database="postgres")
    conn = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if exists:
            return False
        await conn.execute(f'CREATE DATABASE "{name}"')
        return True
    finally:
        await conn.close()


async def migrate_all(database_url: str, progress: Progress = lambda _: None) -> None:
    """Create the database if needed, then upgrade every service's schema to head."""
    if await ensure_database(database_url):
        progress(f"created database {make_url(database_url).database}")
    for service, migrate in MIGRATIONS.items():
        progress(f"migrating {service} ...")
        await migrate(database_url)
    progress("migrations applied")
