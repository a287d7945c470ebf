from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from common.db import claim_event, enqueue, messaging_tables, run_migrations, session_factory
from common.events import CloudEvent
from sqlalchemy import MetaData, text
from sqlalchemy.ext.asyncio import AsyncEngine

pytestmark = pytest.mark.integration

ENV_PY = """\
from sqlalchemy import MetaData

from common.db.alembic_env import run_env

run_env(MetaData())
"""

REVISION = """\
from common.db.migration_ops import create_messaging_tables, drop_messaging_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_messaging_tables({schema!r})


def downgrade() -> None:
    drop_messaging_tables({schema!r})
"""

COLUMNS = text(
    "SELECT table_name, column_name, data_type, is_nullable, column_default IS NOT NULL"
    " FROM information_schema.columns WHERE table_schema = :schema"
    " ORDER BY table_name, ordinal_position"
)
CONSTRAINTS = text(
    "SELECT tc.table_name, tc.constraint_type, kcu.column_name"
    " FROM information_schema.table_constraints tc"
    " JOIN information_schema.key_column_usage kcu"
    "   ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema"
    " WHERE tc.table_schema = :schema AND tc.table_name IN ('inbox', 'outbox')"
    " ORDER BY 1, 2, 3"
)


@pytest.fixture
async def schema(engine: AsyncEngine, unique_name: Callable[[str], str]) -> AsyncIterator[str]:
    name = unique_name("mig").replace("-", "_")
    yield name
    async with engine.begin() as conn:
        await conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))


def script_dir(tmp_path: Path, schema: str) -> str:
    """A throwaway alembic script directory with one revision creating the messaging tables."""
    root = tmp_path / "migrations"
    (root / "versions").mkdir(parents=True)
    (root / "env.py").write_text(ENV_PY)
    (root / "versions" / "0001_messaging.py").write_text(REVISION.format(schema=schema))
    return str(root)


async def describe(engine: AsyncEngine, schema: str) -> tuple[list[tuple[object, ...]], ...]:
    async with engine.connect() as conn:
        columns = (await conn.execute(COLUMNS, {"schema": schema})).all()
        constraints = (await conn.execute(CONSTRAINTS, {"schema": schema})).all()
    return [tuple(c) for c in columns], [tuple(c) for c in constraints]


async def test_migrations_create_the_schema_and_are_safe_to_run_twice(
    engine: AsyncEngine, database_url: str, schema: str, tmp_path: Path
) -> None:
    """Upgrading creates the schema, tables and version row; running it again changes nothing."""
    location = script_dir(tmp_path, schema)
    await run_migrations(database_url, location, schema)
    first = await describe(engine, schema)
    await run_migrations(database_url, location, schema)

    async with engine.connect() as conn:
        versions = (
            (await conn.execute(text(f'SELECT version_num FROM "{schema}".alembic_version')))
            .scalars()
            .all()
        )
    assert (versions, await describe(engine, schema)) == (["0001"], first)
    assert first[0] == [
        ("alembic_version", "version_num", "character varying", "NO", False),
        ("inbox", "event_id", "text", "NO", False),
        ("inbox", "received_at", "timestamp with time zone", "NO", True),
        ("outbox", "id", "bigint", "NO", True),
        ("outbox", "event_id", "text", "NO", False),
        ("outbox", "routing_key", "text", "NO", False),
        ("outbox", "body", "jsonb", "NO", False),
        ("outbox", "created_at", "timestamp with time zone", "NO", True),
        ("outbox", "sent_at", "timestamp with time zone", "YES", False),
    ]


async def test_migrated_tables_match_the_table_definitions(
    engine: AsyncEngine,
    database_url: str,
    schema: str,
    tmp_path: Path,
    unique_name: Callable[[str], str],
    make_event: Callable[..., CloudEvent],
) -> None:
    """The migration builds the tables ``messaging_tables`` describes; the helpers work on them."""
    await run_migrations(database_url, script_dir(tmp_path, schema), schema)
    reference = unique_name("ref").replace("-", "_")
    metadata = MetaData(schema=reference)
    messaging_tables(metadata)
    async with engine.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{reference}"'))
        await conn.run_sync(metadata.create_all)
    try:
        migrated_columns, migrated_keys = await describe(engine, schema)
        reference_columns, reference_keys = await describe(engine, reference)
        assert (
            [c for c in migrated_columns if c[0] != "alembic_version"],
            migrated_keys,
        ) == (reference_columns, reference_keys)
    finally:
        async with engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{reference}" CASCADE'))

    tables = messaging_tables(MetaData(schema=schema))
    async with session_factory(engine).begin() as session:
        await enqueue(session, tables.outbox, make_event(), "payment.paid")
        assert await claim_event(session, tables.inbox, "evt_1") is True
        assert await claim_event(session, tables.inbox, "evt_1") is False
