"""alembic environment for the ``fulfillment`` schema."""

from common.db.alembic_env import run_env

from fulfillment.tables import metadata

run_env(metadata)
