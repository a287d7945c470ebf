"""fulfillment's alembic history; applied by ``fulfillment.operations.migrate``."""
