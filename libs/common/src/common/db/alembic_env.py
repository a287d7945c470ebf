"""The body of every service's alembic ``env.py``.

``run_migrations`` hands alembic an open connection and the service's schema through
``config.attributes``; the version table lives in that schema, so each service keeps its
own history in one shared database.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import MetaData

__all__ = ["run_env"]


def run_env(target_metadata: MetaData) -> None:
    """Run the pending migrations on the connection that ``run_migrations`` opened."""
    connection = context.config.attributes.get("connection")
    schema = context.config.attributes.get("schema")
    if connection is None or schema is None:
        raise RuntimeError("run migrations with 'paywire migrate', not the alembic command")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        version_table_schema=schema,
        include_schemas=True,
    )
    with context.begin_transaction():
        context.run_migrations()
