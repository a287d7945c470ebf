"""alembic environment for the ledger: runs on the connection ``ledger.migrate`` opens."""

from common.db.alembic_env import run_env
from ledger.tables import metadata

run_env(metadata)
