"""alembic environment: the shared runner with the notifier's metadata."""

from common.db.alembic_env import run_env

from notifier.tables import metadata

run_env(metadata)
