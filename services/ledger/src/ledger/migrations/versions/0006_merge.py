"""Join the branches that checkout, reconciliation, deposit addresses and fulfillments
grew from the initial revision, so the next change has one head to build on.

Revision ID: 0006_merge
Revises: 0002_checkout, 0003_reconciliation, 0004_deposit_addresses, 0005_fulfillments
Create Date: 2026-11-22
"""

from __future__ import annotations

revision = "0006_merge"
down_revision = (
    "0002_checkout",
    "0003_reconciliation",
    "0004_deposit_addresses",
    "0005_fulfillments",
)
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change: the branches touch different tables."""


def downgrade() -> None:
    """Nothing to change."""
